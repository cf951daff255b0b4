// Package mime is the parser's one lenient MIME reader. A message is read
// once into a tree of entities (header reader, media-type parser,
// multipart splitter), and transfer and charset decoding are done here, on
// demand; the text and attachment walker, the form reader, the reply
// stripper and the machine-mail classifier all walk that one tree. It is
// lenient in the way real mail needs (each quirk is named where it is
// handled) and bounded: a message beyond the bounds is still read, the
// rest skipped and a defect recorded.
package mime

// Bounds on the MIME walk: a message beyond them is still read, but the
// rest is skipped and a defect recorded.
const (
	// DefaultMaxBytes is how much of a message is read when the caller
	// sets no limit.
	DefaultMaxBytes = 25 << 20
	// MaxParts is how many entities one message's tree holds.
	MaxParts = 1000
	// MaxDepth is how deep multiparts and embedded messages nest.
	MaxDepth        = 20
	maxHeaderFields = 2000
)
