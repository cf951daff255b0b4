package correspondence

import (
	"strings"
	"time"

	"github.com/ingressus/klachtd/parser"
)

// Person is a handler or a member of management.
type Person struct {
	Name  string
	Email string
}

// Settings are the procedure's policies and the people in it. Defaults
// (DefaultSettings) are the values of procedure.md.
type Settings struct {
	// Gateway is the address every letter comes from and replies go to;
	// GatewayName its display name.
	Gateway      string
	GatewayName  string
	Organisation string
	Lang         string // letters' default language: nl or en
	// FormURL is the web complaint form; letters that close a complaint
	// offer it for a new one.
	FormURL string

	Handlers   []Person
	Management []Person
	// IntakeTeam receives alerts about quarantined mail and stopped intake.
	IntakeTeam []string
	// HandlerByDomain maps a company name or mail domain (lower-case) to a
	// handler's address.
	HandlerByDomain map[string]string

	AckDays          int   // acknowledgement due within (5)
	TermDays         int   // handling term (20)
	DelayNoticeDays  int   // delay notice at the latest this many working days before the end (2)
	ObjectionDays    int   // objection window (10)
	LapseDays        int   // an incomplete complaint lapses after (20)
	ReminderDays     []int // reminders to the handler before the end (5, 3)
	DefaultDelayDays int   // automatic delay extension (10)
	DefaultDelayNL   string
	DefaultDelayEN   string
	Court            string

	// ExposeHandlerAddress puts the handler's own address in Reply-To of
	// relayed letters; by default the complainant only sees the gateway.
	ExposeHandlerAddress bool
	// MaxRelayAttachment bounds the attachments relayed with a message.
	MaxRelayAttachment int
	// AutoLetterCap is the most letters to one address per 24 hours: the
	// last line of defence against a mail loop.
	AutoLetterCap int
	// TrustFrom accepts commands from a configured From without checking
	// Authentication-Results (the demo world has no DKIM).
	TrustFrom bool
	// AuthServID is the authserv-id of the receiving server whose
	// Authentication-Results are trusted.
	AuthServID string
	// VerifyDKIM checks DKIM signatures ourselves (go-msgauth); LookupTXT
	// replaces DNS (tests), nil means net.LookupTXT.
	VerifyDKIM bool
	LookupTXT  func(domain string) ([]string, error)
	// Provider names a provider's own sender check: ProviderMicrosoft365
	// (Exchange's internal-sender stamp), ProviderGoogle (mx.google.com's
	// Authentication-Results), ProviderDKIM (our own DKIM check); "" for
	// AuthServID/VerifyDKIM alone. See auth.go.
	Provider string

	// OutboxRetry is the backoff schedule of temporary send failures; after
	// the last step the letter is failed.
	OutboxRetry []time.Duration

	// DoubleSubmitWindow: a new form mail with the same complainant,
	// company and description within this long of an earlier one is the
	// same complaint submitted twice (procedure.md §1; 10 minutes).
	DoubleSubmitWindow time.Duration

	// Categories are the names a handler may tag a complaint with
	// (#categorie); the report counts per category.
	Categories []string
	// Survey is the optional satisfaction question after closing.
	Survey SurveySettings
}

// DefaultSettings returns the procedure's defaults.
func DefaultSettings() Settings {
	return Settings{
		Gateway:            "klachten@ingressus.nl",
		GatewayName:        "Ingressus Klachten",
		Organisation:       "Ingressus",
		Lang:               "nl",
		AckDays:            5,
		TermDays:           20,
		DelayNoticeDays:    2,
		ObjectionDays:      10,
		LapseDays:          20,
		ReminderDays:       []int{5, 3},
		DefaultDelayDays:   10,
		DefaultDelayNL:     "de behandeling van uw klacht vraagt meer tijd dan voorzien",
		DefaultDelayEN:     "handling your complaint takes more time than foreseen",
		Court:              "de rechtbank Rotterdam (arrondissement Rotterdam)",
		MaxRelayAttachment: 10 << 20,
		AutoLetterCap:      20,
		DoubleSubmitWindow: 10 * time.Minute,
		// 1m, 5m, 15m, 1h, 4h, then three times 8h: about a day and a half
		// of trying before a letter counts as undeliverable.
		OutboxRetry: []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour,
			4 * time.Hour, 8 * time.Hour, 8 * time.Hour, 8 * time.Hour},
		Categories: DefaultCategories(),
		Survey:     SurveySettings{AfterWorkdays: 5},
	}
}

func (s *Settings) handler(addr string) (Person, bool) {
	for _, p := range s.Handlers {
		if strings.EqualFold(p.Email, addr) {
			return p, true
		}
	}
	return Person{}, false
}

func (s *Settings) manager(addr string) (Person, bool) {
	for _, p := range s.Management {
		if strings.EqualFold(p.Email, addr) {
			return p, true
		}
	}
	return Person{}, false
}

// findHandler matches a name or address ("Jeroen", "j.bakker@…", "Bakker")
// to a configured handler.
func (s *Settings) findHandler(q string) (Person, bool) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return Person{}, false
	}
	for _, p := range s.Handlers {
		if strings.ToLower(p.Email) == q || strings.ToLower(p.Name) == q {
			return p, true
		}
	}
	for _, p := range s.Handlers {
		if strings.Contains(strings.ToLower(p.Name), q) || strings.HasPrefix(strings.ToLower(p.Email), q+"@") {
			return p, true
		}
	}
	return Person{}, false
}

func (s *Settings) managementAddrs() []string {
	var out []string
	for _, p := range s.Management {
		out = append(out, p.Email)
	}
	return out
}

func (s *Settings) domain() string {
	if i := strings.LastIndexByte(s.Gateway, '@'); i >= 0 {
		return s.Gateway[i+1:]
	}
	return "localhost"
}

// replyTo is the per-complaint plus-address: replies carry the token back.
func (s *Settings) replyTo(token string) string {
	i := strings.LastIndexByte(s.Gateway, '@')
	if i < 0 {
		return s.Gateway
	}
	return s.Gateway[:i] + "+" + token + s.Gateway[i:]
}

// ownAddress reports whether addr is one of ours — the gateway (or a
// plus-address of it), a handler, management, the intake team, an address
// the parser treats as our own or as the web form's — and so never the
// complainant's: a letter sent there would not reach her.
func (s *Settings) ownAddress(addr string, popt parser.Options) bool {
	a := bareAddress(addr)
	if a == "" {
		return false
	}
	own := append([]string{s.Gateway}, s.IntakeTeam...)
	own = append(own, popt.OwnAddresses...)
	own = append(own, popt.FormSenders...)
	for _, p := range append(append([]Person{}, s.Handlers...), s.Management...) {
		own = append(own, p.Email)
	}
	for _, o := range own {
		if b := bareAddress(o); b != "" && b == a {
			return true
		}
	}
	return false
}

// bareAddress is addr lower-cased without its plus-address part.
func bareAddress(addr string) string {
	a := strings.ToLower(strings.TrimSpace(addr))
	at := strings.LastIndexByte(a, '@')
	if at <= 0 {
		return a
	}
	local, domain := a[:at], a[at:]
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	return local + domain
}
