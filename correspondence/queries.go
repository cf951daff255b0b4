package correspondence

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Every statement the Store runs is a named block in queries/*.sql, one
// file per area, in the goyesql/libredesk style:
//
//	-- name: complaint-by-id
//	-- Comment lines under the name document the query; they are not sent.
//	SELECT {{complaint-columns}} FROM complaints WHERE id = ?
//
// A block ends where the next "-- name:" begins. {{name}} inserts another
// block's text (a fragment); it is used for the complaints table's column
// list only, so that a column added to the table is added in one place and
// no query scans a Complaint with a column missing (the zero value would
// then be written back by saveComplaint).
//
// The files are parsed once, at OpenStore, into the queries struct below:
// one field per statement, named by its `query` tag. A tag naming no block,
// a name given twice, an empty block, an unknown fragment, or a block no
// field uses fails the start (and every test that opens a store), never a
// request at run time; a Go typo in a field name does not compile.

//go:embed queries/*.sql
var queryFiles embed.FS

// queries holds the text of every statement, grouped by the file it is in.
// Fields are exported only so that reflection can fill them; the type is
// the package's own.
type queries struct {
	// store.sql: the migrations' bookkeeping, IMAP cursors, the WAL.
	CreateMigrationsTable string `query:"create-migrations-table"`
	MigrationDone         string `query:"migration-done"`
	RecordMigration       string `query:"record-migration"`
	GetCursor             string `query:"get-cursor"`
	SetCursor             string `query:"set-cursor"`
	Checkpoint            string `query:"checkpoint"`
	VacuumInto            string `query:"vacuum-into"`
	IntegrityCheck        string `query:"integrity-check"`
	MigrationsRecorded    string `query:"migrations-recorded"`

	// complaints.sql: the complaints table, references, handlers,
	// categories and the addresses that may speak for a complainant.
	ComplaintByID         string `query:"complaint-by-id"`
	ListCountAll          string `query:"list-count-all"`
	ListCountOfState      string `query:"list-count-of-state"`
	ListPageAll           string `query:"list-page-all"`
	ListPageOfState       string `query:"list-page-of-state"`
	ListOpen              string `query:"list-open"`
	ComplaintByRef        string `query:"complaint-by-ref"`
	ComplaintByToken      string `query:"complaint-by-token"`
	LatestComplaintOf     string `query:"latest-complaint-of"`
	ComplaintsOfSince     string `query:"complaints-of-since"`
	ComplaintsOfPerson    string `query:"complaints-of-person"`
	ComplaintsAll         string `query:"complaints-all"`
	ComplaintsOpen        string `query:"complaints-open"`
	ComplaintsInState     string `query:"complaints-in-state"`
	ComplaintsRunning     string `query:"complaints-running"`
	InsertComplaint       string `query:"insert-complaint"`
	SaveComplaint         string `query:"save-complaint"`
	RefSeqLast            string `query:"ref-seq-last"`
	RefSeqSet             string `query:"ref-seq-set"`
	HandlerLoads          string `query:"handler-loads"`
	SetCategory           string `query:"set-category"`
	CategoryOfRef         string `query:"category-of-ref"`
	Categories            string `query:"categories"`
	CountComplaintAddress string `query:"count-complaint-address"`
	AddComplaintAddress   string `query:"add-complaint-address"`

	// messages.sql: mails in, their chunks and outcome, threading.
	PriorOutcomeByUID     string `query:"prior-outcome-by-uid"`
	PriorOutcomeByContent string `query:"prior-outcome-by-content"`
	InsertMessage         string `query:"insert-message"`
	InsertMessageChunk    string `query:"insert-message-chunk"`
	MessageChunks         string `query:"message-chunks"`
	SetMessageOutcome     string `query:"set-message-outcome"`
	QuarantineMessage     string `query:"quarantine-message"`
	DuplicateMessage      string `query:"duplicate-message"`
	ComplaintOfMessageID  string `query:"complaint-of-message-id"`
	LastPartyMessages     string `query:"last-party-messages"`

	// events.sql: the timeline.
	InsertEvent        string `query:"insert-event"`
	CountEventsOfKind  string `query:"count-events-of-kind"`
	CountQuickReplies  string `query:"count-quick-replies"`
	LatestMeeting      string `query:"latest-meeting"`
	CountDateAssumed   string `query:"count-date-assumed"`
	LastCompleteAt     string `query:"last-complete-at"`
	CountNoMailEvents  string `query:"count-no-mail-events"`
	DigestScheduleFrom string `query:"digest-schedule-from"`
	CompletionTexts    string `query:"completion-texts"`
	CorrectionsOf      string `query:"corrections-of-complaint"`

	// outbox.sql: letters queued, claimed, settled; proof of sending.
	CountLettersOfKey     string `query:"count-letters-of-key"`
	CountLettersToSince   string `query:"count-letters-to-since"`
	InsertLetter          string `query:"insert-letter"`
	ClaimDueLetters       string `query:"claim-due-letters"`
	LeaseLetter           string `query:"lease-letter"`
	LeasedLetters         string `query:"leased-letters"`
	ReleaseLease          string `query:"release-lease"`
	LetterSent            string `query:"letter-sent"`
	LetterNotTried        string `query:"letter-not-tried"`
	LetterRetryUncounted  string `query:"letter-retry-uncounted"`
	LetterInterrupted     string `query:"letter-interrupted"`
	LetterOutage          string `query:"letter-outage"`
	LetterDeferred        string `query:"letter-deferred"`
	LetterFailed          string `query:"letter-failed"`
	NextDueLetter         string `query:"next-due-letter"`
	LetterTimesByMsgID    string `query:"letter-times-by-message-id"`
	CountLettersOfKind    string `query:"count-letters-of-kind"`
	CountLettersOfSubject string `query:"count-letters-of-subject"`
	InsertReceipt         string `query:"insert-receipt"`
	LetterByMessageID     string `query:"letter-by-message-id"`
	LinkDSN               string `query:"link-dsn"`

	// dossier.sql: what show, export and the records read of one complaint.
	TimelineMails       string `query:"timeline-mails"`
	LettersOfComplaint  string `query:"letters-of-complaint"`
	TimelineEvents      string `query:"timeline-events"`
	DossierMails        string `query:"dossier-mails"`
	DelaysOfComplaint   string `query:"delays-of-complaint"`
	RecordEvents        string `query:"record-events"`
	RecordMailsIn       string `query:"record-mails-in"`
	RecordLetters       string `query:"record-letters"`
	RecordLooseMailsIn  string `query:"record-loose-mails-in"`
	RecordLooseLetters  string `query:"record-loose-letters"`
	DSNLettersOfMessage string `query:"dsn-letters-of-message"`
	ReceiptsOfLetter    string `query:"receipts-of-letter"`
	DSNsOfLetter        string `query:"dsns-of-letter"`

	// privacy.sql: holds, erasure, retention.
	PrivacyOf                string `query:"privacy-of"`
	CountMessagesOfComplaint string `query:"count-messages-of-complaint"`
	CountLettersOfComplaint  string `query:"count-letters-of-complaint"`
	CountEventsOfComplaint   string `query:"count-events-of-complaint"`
	MessageRowsOfComplaint   string `query:"message-rows-of-complaint"`
	LetterRowsOfComplaint    string `query:"letter-rows-of-complaint"`
	EventRowsOfComplaint     string `query:"event-rows-of-complaint"`
	EraseChunksOfComplaint   string `query:"erase-chunks-of-complaint"`
	BlankMessagesOfComplaint string `query:"blank-messages-of-complaint"`
	BlankLettersOfComplaint  string `query:"blank-letters-of-complaint"`
	BlankEventsOfComplaint   string `query:"blank-events-of-complaint"`
	BlankComplaint           string `query:"blank-complaint"`
	RecordErasure            string `query:"record-erasure"`
	MarkErasedRow            string `query:"mark-erased-row"`
	LooseMessagesFrom        string `query:"loose-messages-from"`
	LooseLettersTo           string `query:"loose-letters-to"`
	LooseEventsNaming        string `query:"loose-events-naming"`
	EraseChunksOfMessage     string `query:"erase-chunks-of-message"`
	BlankMessage             string `query:"blank-message"`
	BlankLetter              string `query:"blank-letter"`
	BlankEvent               string `query:"blank-event"`
	ReleaseHold              string `query:"release-hold"`
	SetHold                  string `query:"set-hold"`
	HeldComplaints           string `query:"held-complaints"`
	ExpiredComplaints        string `query:"expired-complaints"`
	LooseMessagesBefore      string `query:"loose-messages-before"`
	LooseLettersBefore       string `query:"loose-letters-before"`
	LooseEventsBefore        string `query:"loose-events-before"`

	// ledger.sql: the tamper-evident ledger and its walk.
	LedgerContentMessages string `query:"ledger-content-messages"`
	LedgerContentOutbox   string `query:"ledger-content-outbox"`
	LedgerContentEvents   string `query:"ledger-content-events"`
	LedgerContentReceipts string `query:"ledger-content-letter-receipts"`
	LedgerContentDSNs     string `query:"ledger-content-letter-dsns"`
	LedgerIDsMessages     string `query:"ledger-ids-messages"`
	LedgerIDsOutbox       string `query:"ledger-ids-outbox"`
	LedgerIDsEvents       string `query:"ledger-ids-events"`
	LedgerIDsReceipts     string `query:"ledger-ids-letter-receipts"`
	LedgerIDsDSNs         string `query:"ledger-ids-letter-dsns"`
	LedgerRefMessages     string `query:"ledger-ref-messages"`
	LedgerRefOutbox       string `query:"ledger-ref-outbox"`
	LedgerRefEvents       string `query:"ledger-ref-events"`
	LedgerRefReceipts     string `query:"ledger-ref-letter-receipts"`
	LedgerRefDSNs         string `query:"ledger-ref-letter-dsns"`
	LedgerUnsealed        string `query:"ledger-unsealed"`
	LedgerHeadBefore      string `query:"ledger-head-before"`
	LedgerSeal            string `query:"ledger-seal"`
	LedgerEntries         string `query:"ledger-entries"`
	ErasedRows            string `query:"erased-rows"`
	ErasureEvents         string `query:"erasure-events"`
	LedgerHead            string `query:"ledger-head"`
	LedgerSeqOfHash       string `query:"ledger-seq-of-hash"`
	BeginSnapshot         string `query:"begin-snapshot"`
	EndSnapshot           string `query:"end-snapshot"`

	// digest.sql: the management digest and its trend.
	DigestComplaints   string `query:"digest-complaints"`
	DigestObjections   string `query:"digest-objections"`
	DigestEvents       string `query:"digest-events"`
	DigestAcks         string `query:"digest-acks"`
	DigestFailed       string `query:"digest-failed"`
	IntakeFailingSince string `query:"intake-failing-since"`
	LastDigestAt       string `query:"last-digest-at"`
	TrendComplaints    string `query:"trend-complaints"`

	// report.sql: the periodic report.
	ReportComplaints string `query:"report-complaints"`
	ReportEvents     string `query:"report-events"`
	ReportOutcomes   string `query:"report-outcomes"`
	ReportAcks       string `query:"report-acks"`
	ReportSurveys    string `query:"report-surveys"`
	NoteOutcome      string `query:"note-outcome"`

	// survey.sql: the satisfaction question.
	SurveysDue         string `query:"surveys-due"`
	InsertSurvey       string `query:"insert-survey"`
	SurveyOf           string `query:"survey-of"`
	CountSurveyLetters string `query:"count-survey-letters"`
	AnswerSurvey       string `query:"answer-survey"`

	// stats.sql: the figures of /metrics and /healthz, the intake status.
	StatsMailsByKind string `query:"stats-mails-by-kind"`
	StatsLetters     string `query:"stats-letters"`
	OldestQueued     string `query:"oldest-queued"`
	StatsComplaints  string `query:"stats-complaints"`
	OpenTermEnds     string `query:"open-term-ends"`
	IntakeStatus     string `query:"intake-status"`
	SetIntakeStatus  string `query:"set-intake-status"`
}

// ledgerTable returns the ledger's statements for one record table: its
// unchanging content by id, every id, and the complaint reference of a
// row. The table comes from the ledger's own rows, so it is chosen among
// named statements, never put into SQL text.
func (q *queries) ledgerTable(tbl string) (content, ids, ref string, ok bool) {
	switch tbl {
	case "messages":
		return q.LedgerContentMessages, q.LedgerIDsMessages, q.LedgerRefMessages, true
	case "outbox":
		return q.LedgerContentOutbox, q.LedgerIDsOutbox, q.LedgerRefOutbox, true
	case "events":
		return q.LedgerContentEvents, q.LedgerIDsEvents, q.LedgerRefEvents, true
	case "letter_receipts":
		return q.LedgerContentReceipts, q.LedgerIDsReceipts, q.LedgerRefReceipts, true
	case "letter_dsns":
		return q.LedgerContentDSNs, q.LedgerIDsDSNs, q.LedgerRefDSNs, true
	}
	return "", "", "", false
}

// loadQueries parses the embedded query files into a queries value.
func loadQueries() (*queries, error) {
	q := &queries{}
	if err := fillQueries(queryFiles, "queries/*.sql", q); err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	return q, nil
}

// namedBlock is one "-- name:" block and where it was found.
type namedBlock struct {
	text string
	file string
	line int
}

var (
	nameLineRe = regexp.MustCompile(`^--\s*name:\s*(\S+)\s*$`)
	validName  = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	fragmentRe = regexp.MustCompile(`\{\{\s*([^{}\s]+)\s*\}\}`)
)

// parseQueryFiles reads every file matching pattern into named blocks,
// fragments expanded. used records which names a fragment reference used.
func parseQueryFiles(fsys fs.FS, pattern string) (blocks map[string]namedBlock, used map[string]bool, err error) {
	files, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("no file matches %s", pattern)
	}
	sort.Strings(files)
	blocks = map[string]namedBlock{}
	var order []string
	for _, file := range files {
		body, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, nil, err
		}
		var name string
		var text strings.Builder
		var at int
		flush := func() error {
			if name == "" {
				return nil
			}
			t := strings.TrimSpace(text.String())
			if t == "" {
				return fmt.Errorf("%s:%d: %q has no statement", file, at, name)
			}
			blocks[name] = namedBlock{text: t, file: file, line: at}
			order = append(order, name)
			return nil
		}
		sc := bufio.NewScanner(strings.NewReader(string(body)))
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			trimmed := strings.TrimSpace(line)
			if m := nameLineRe.FindStringSubmatch(trimmed); m != nil {
				if err := flush(); err != nil {
					return nil, nil, err
				}
				name, at = m[1], n
				text.Reset()
				if !validName.MatchString(name) {
					return nil, nil, fmt.Errorf("%s:%d: query name %q: use lower-case words joined by '-'", file, n, name)
				}
				if prev, dup := blocks[name]; dup {
					return nil, nil, fmt.Errorf("%s:%d: query %q is already named at %s:%d", file, n, name, prev.file, prev.line)
				}
				continue
			}
			if trimmed == "" || strings.HasPrefix(trimmed, "--") {
				continue // documentation of the file or the query: not sent
			}
			if name == "" {
				return nil, nil, fmt.Errorf("%s:%d: SQL before the first \"-- name:\" line", file, n)
			}
			text.WriteString(line)
			text.WriteByte('\n')
		}
		if err := sc.Err(); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		if err := flush(); err != nil {
			return nil, nil, err
		}
	}
	used = map[string]bool{}
	for _, name := range order {
		b := blocks[name]
		var ferr error
		b.text = fragmentRe.ReplaceAllStringFunc(b.text, func(ref string) string {
			frag := fragmentRe.FindStringSubmatch(ref)[1]
			f, ok := blocks[frag]
			switch {
			case !ok:
				ferr = fmt.Errorf("%s:%d: %q inserts unknown fragment {{%s}}", b.file, b.line, name, frag)
			case fragmentRe.MatchString(f.text):
				ferr = fmt.Errorf("%s:%d: fragment %q inserts another fragment; one level only", f.file, f.line, frag)
			}
			used[frag] = true
			return f.text
		})
		if ferr != nil {
			return nil, nil, ferr
		}
		blocks[name] = b
	}
	return blocks, used, nil
}

// fillQueries sets each string field of *dst from the block its `query`
// tag names. Every field must find its block and every block must be used
// by a field or as a fragment.
func fillQueries(fsys fs.FS, pattern string, dst any) error {
	blocks, used, err := parseQueryFiles(fsys, pattern)
	if err != nil {
		return err
	}
	byField := map[string]string{}
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, ok := f.Tag.Lookup("query")
		if !ok || f.Type.Kind() != reflect.String {
			return fmt.Errorf("field %s: want a string with a `query:\"name\"` tag", f.Name)
		}
		b, ok := blocks[name]
		if !ok {
			return fmt.Errorf("query %q (field %s) is in no %s file", name, f.Name, pattern)
		}
		if used[name] {
			return fmt.Errorf("%s:%d: %q is a fragment and a statement of its own (field %s)", b.file, b.line, name, f.Name)
		}
		if other, twice := byField[name]; twice {
			return fmt.Errorf("query %q is named by two fields, %s and %s", name, other, f.Name)
		}
		byField[name] = f.Name
		v.Field(i).SetString(b.text)
	}
	var unused []string
	for name, b := range blocks {
		if _, ok := byField[name]; !ok && !used[name] {
			unused = append(unused, fmt.Sprintf("%s:%d: %q", b.file, b.line, name))
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return fmt.Errorf("queries no field uses (remove them or add a field): %s", strings.Join(unused, ", "))
	}
	return nil
}
