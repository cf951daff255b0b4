package correspondence

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"sync"

	"github.com/ingressus/klachtd/parser"
)

// parsed is one incoming mail with its parse result, made before the
// transaction so that parsing never holds the write lock.
type parsed struct {
	in   Incoming
	msg  *parser.Message
	perr error
	hash string
	// crash is a panic in the parser, kept as this mail's error: the
	// others of its batch are handled all the same.
	crash error
}

func (g *Gateway) parse(in Incoming) parsed {
	if in.Unreadable != "" {
		// No bytes to recognise it by: its place in the folder is its
		// identity.
		sum := sha256.Sum256([]byte(fmt.Sprintf("unreadable %s %d %d", in.Mailbox, in.UIDValidity, in.UID)))
		return parsed{in: in, msg: &parser.Message{Kind: parser.KindOther, Invalid: map[string]string{}, Missing: []string{}},
			hash: hex.EncodeToString(sum[:])}
	}
	sum := sha256.Sum256(in.Raw)
	msg, perr := parser.Parse(in.Raw, g.popt)
	if msg == nil {
		msg = &parser.Message{Kind: parser.KindOther}
	}
	return parsed{in: in, msg: msg, perr: perr, hash: hex.EncodeToString(sum[:])}
}

// parseAll parses a batch on every core: the parser is pure, and parsing
// is most of an intake's CPU.
func (g *Gateway) parseAll(ins []Incoming) []parsed {
	ps := make([]parsed, len(ins))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(ins)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				func() {
					defer func() {
						if r := recover(); r != nil {
							ps[i] = parsed{in: ins[i], msg: &parser.Message{Kind: parser.KindOther}, crash: fmt.Errorf("parse: panic: %v", r)}
						}
					}()
					ps[i] = g.parse(ins[i])
				}()
			}
		}()
	}
	for i := range ins {
		next <- i
	}
	close(next)
	wg.Wait()
	return ps
}
