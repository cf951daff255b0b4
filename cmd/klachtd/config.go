package main

import (
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/mailbox"
	"github.com/ingressus/klachtd/parser"
)

// Config is klachtd.toml. Every key is documented in klachtd.example.toml.
type Config struct {
	Gateway   GatewayConfig     `toml:"gateway"`
	IMAP      ServerConfig      `toml:"imap"`
	SMTP      ServerConfig      `toml:"smtp"`
	Handlers  []PersonConfig    `toml:"handlers"`
	Mgmt      []PersonConfig    `toml:"management"`
	ByDomain  map[string]string `toml:"handler_by_domain"`
	Procedure ProcedureConfig   `toml:"procedure"`
	Security  SecurityConfig    `toml:"security"`
	Digest    DigestConfig      `toml:"digest"`
	Labels    map[string]string `toml:"labels"`
	HTTP      HTTPConfig        `toml:"http"`
	OAuth2    OAuth2Config      `toml:"oauth2"`
	Intake    IntakeConfig      `toml:"intake"`
	Retention RetentionConfig   `toml:"retention"`

	// The report's categories and the satisfaction survey (report_config.go).
	Categories CategoriesConfig `toml:"categories"`
	Survey     SurveyConfig     `toml:"survey"`

	// dir is the folder of the config file: relative paths are taken from it.
	dir string
	// tokens is the OAuth2 token source, built once by oauth2Source.
	tokens *mailbox.TokenSource
	// now is the daemon's clock; nil is time.Now. Tests move it (the
	// journey tests play weeks of the procedure in seconds).
	now func() time.Time
}

// GatewayConfig is the [gateway] table.
type GatewayConfig struct {
	Address              string   `toml:"address"`
	Name                 string   `toml:"name"`
	Organisation         string   `toml:"organisation"`
	Language             string   `toml:"language"`
	Database             string   `toml:"database"`
	Templates            string   `toml:"templates"`
	FormSenders          []string `toml:"form_senders"`
	IntakeTeam           []string `toml:"intake_team"`
	ExposeHandlerAddress bool     `toml:"expose_handler_address"`
	MaxRelayAttachment   int      `toml:"max_relay_attachment"`
	AutoLetterCap        int      `toml:"auto_letter_cap"`
	LogLevel             string   `toml:"log_level"`
	PhoneRegion          string   `toml:"phone_region"`
	// FormURL is the web complaint form, offered in letters that close a
	// complaint ("submit a new complaint").
	FormURL string `toml:"form_url"`
}

// ServerConfig is the [imap] or [smtp] table.
type ServerConfig struct {
	Address        string   `toml:"address"`
	TLS            string   `toml:"tls"`
	Username       string   `toml:"username"`
	Password       string   `toml:"password"`
	PasswordEnv    string   `toml:"password_env"`
	InsecureVerify bool     `toml:"insecure_skip_verify"`
	CAFile         string   `toml:"ca_file"`
	Folder         string   `toml:"folder"`
	Processed      string   `toml:"processed"`
	Quarantine     string   `toml:"quarantine"`
	PollInterval   string   `toml:"poll_interval"`
	MaxMessageSize int64    `toml:"max_message_size"`
	Helo           string   `toml:"helo"`
	Timeout        string   `toml:"timeout"`
	RetrySchedule  []string `toml:"retry_schedule"`
	Connections    int      `toml:"connections"`
	Auth           string   `toml:"auth"` // "password" (default) or "oauth2"
}

// PersonConfig is one [[handlers]] or [[management]] entry.
type PersonConfig struct {
	Name  string `toml:"name"`
	Email string `toml:"email"`
}

// ProcedureConfig is the [procedure] table: the policies of procedure.md.
type ProcedureConfig struct {
	AckDays            int      `toml:"ack_days"`
	TermDays           int      `toml:"term_days"`
	DelayNoticeDays    int      `toml:"delay_notice_days"`
	ObjectionDays      int      `toml:"objection_days"`
	LapseDays          int      `toml:"lapse_days"`
	ReminderDays       []int    `toml:"reminder_days"`
	DefaultDelayDays   int      `toml:"default_delay_days"`
	DefaultDelayReason string   `toml:"default_delay_reason"`
	DefaultDelayEN     string   `toml:"default_delay_reason_en"`
	EndOfBusinessDay   string   `toml:"end_of_business_day"`
	ClosingDays        []string `toml:"closing_days"`
	Court              string   `toml:"court"`
	SchedulerInterval  string   `toml:"scheduler_interval"`
}

// SecurityConfig is the [security] table.
type SecurityConfig struct {
	TrustFrom  bool   `toml:"trust_from"`
	AuthServID string `toml:"authserv_id"`
	VerifyDKIM bool   `toml:"verify_dkim"`
	// Provider: "microsoft365", "google" or "dkim" (security.go).
	Provider string `toml:"provider"`
}

// DigestConfig is the [digest] table.
type DigestConfig struct {
	Daily            bool   `toml:"daily"`
	Weekly           bool   `toml:"weekly"`
	At               string `toml:"at"`
	IntakeAlertAfter string `toml:"intake_alert_after"`
}

// HTTPConfig is the [http] table.
type HTTPConfig struct {
	Listen string `toml:"listen"`
}

// IntakeConfig is the [intake] section: how submissions are recognised.
type IntakeConfig struct {
	// DoubleSubmitWindow: the same complainant, company and description
	// again within this long is one complaint (procedure.md §1).
	DoubleSubmitWindow string `toml:"double_submit_window"`
}

// DefaultConfig is the configuration before the file is read.
func DefaultConfig() Config {
	return Config{
		Gateway: GatewayConfig{Address: "klachten@ingressus.nl", Name: "Ingressus Klachten", Organisation: "Ingressus",
			Language: "nl", Database: "klachtd.db", MaxRelayAttachment: 10 << 20, AutoLetterCap: 20, LogLevel: "info",
			PhoneRegion: "NL"},
		IMAP: ServerConfig{TLS: "tls", Folder: "INBOX", Processed: "Verwerkt", Quarantine: "Quarantaine",
			PollInterval: "30s", MaxMessageSize: 25 << 20, PasswordEnv: "KLACHTD_IMAP_PASSWORD"},
		SMTP: ServerConfig{TLS: "starttls", Timeout: "30s", PasswordEnv: "KLACHTD_SMTP_PASSWORD", Connections: 4},
		Procedure: ProcedureConfig{AckDays: 5, TermDays: 20, DelayNoticeDays: 2, ObjectionDays: 10, LapseDays: 20,
			ReminderDays: []int{5, 3}, DefaultDelayDays: 10, EndOfBusinessDay: "17:00", SchedulerInterval: "1m"},
		Digest: DigestConfig{Daily: true, Weekly: true, At: "08:00", IntakeAlertAfter: "30m"},
		Intake: IntakeConfig{DoubleSubmitWindow: "10m"},

		Retention: RetentionConfig{MonthsAfterClosure: correspondence.DefaultRetentionMonths},
	}
}

// configError names the key that is wrong and what was expected.
type configError struct{ problems []string }

func (e *configError) Error() string {
	return "config: " + strings.Join(e.problems, "; ")
}

// LoadConfig reads and validates a config file.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open config: %w (give the file with --config; klachtd.example.toml documents every key)", err)
	}
	defer f.Close()
	abs, _ := filepath.Abs(path)
	cfg, err := ParseConfig(f, filepath.Dir(abs))
	if err != nil {
		// A TOML syntax error names a line; the operator also needs the
		// file (there may be several configs on a machine).
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig reads a config from r; dir is where relative paths start.
func ParseConfig(r io.Reader, dir string) (*Config, error) {
	cfg := DefaultConfig()
	cfg.dir = dir
	md, err := toml.NewDecoder(r).Decode(&cfg)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var problems []string
	for _, k := range md.Undecoded() {
		problems = append(problems, fmt.Sprintf("%s: unknown key", k.String()))
	}
	problems = append(problems, cfg.validate()...)
	problems = append(problems, cfg.Retention.validate()...)
	problems = append(problems, cfg.validateCAFiles()...)
	if len(problems) > 0 {
		return nil, &configError{problems}
	}
	return &cfg, nil
}

func validAddr(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") || err == nil && strings.HasSuffix(s, "@localhost")
}

// validate checks every value and names each bad key.
func (c *Config) validate() []string {
	var p []string
	bad := func(key, format string, args ...any) { p = append(p, key+": "+fmt.Sprintf(format, args...)) }
	if !validAddr(c.Gateway.Address) {
		bad("gateway.address", "expected an e-mail address like klachten@example.nl, got %q", c.Gateway.Address)
	}
	if c.Gateway.Language != "nl" && c.Gateway.Language != "en" {
		bad("gateway.language", `expected "nl" or "en", got %q`, c.Gateway.Language)
	}
	if u := c.Gateway.FormURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		bad("gateway.form_url", "expected a web address starting with https://, got %q", u)
	}
	if c.Gateway.Database == "" {
		bad("gateway.database", "expected a file path")
	}
	for i, a := range c.Gateway.FormSenders {
		if !validAddr(strings.ToLower(a)) {
			bad(fmt.Sprintf("gateway.form_senders[%d]", i), "expected an e-mail address, got %q", a)
		}
	}
	for i, a := range c.Gateway.IntakeTeam {
		if !validAddr(strings.ToLower(a)) {
			bad(fmt.Sprintf("gateway.intake_team[%d]", i), "expected an e-mail address, got %q", a)
		}
	}
	if c.Gateway.AutoLetterCap < 0 {
		bad("gateway.auto_letter_cap", "expected 0 (no cap) or more, got %d", c.Gateway.AutoLetterCap)
	}
	switch c.Gateway.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("gateway.log_level", `expected debug, info, warn or error, got %q`, c.Gateway.LogLevel)
	}
	for _, s := range []struct {
		name string
		cfg  ServerConfig
	}{{"imap", c.IMAP}, {"smtp", c.SMTP}} {
		if _, _, err := net.SplitHostPort(s.cfg.Address); err != nil {
			bad(s.name+".address", "expected host:port, got %q", s.cfg.Address)
		}
		switch s.cfg.TLS {
		case "tls", "starttls", "none":
		default:
			bad(s.name+".tls", `expected "tls", "starttls" or "none", got %q`, s.cfg.TLS)
		}
	}
	if _, err := time.ParseDuration(c.IMAP.PollInterval); err != nil {
		bad("imap.poll_interval", "expected a duration like 30s or 2m, got %q", c.IMAP.PollInterval)
	}
	if _, err := time.ParseDuration(c.SMTP.Timeout); err != nil {
		bad("smtp.timeout", "expected a duration like 30s, got %q", c.SMTP.Timeout)
	}
	for i, d := range c.SMTP.RetrySchedule {
		if v, err := time.ParseDuration(d); err != nil || v <= 0 {
			bad(fmt.Sprintf("smtp.retry_schedule[%d]", i), "expected a duration like 5m, got %q", d)
		}
	}
	if c.SMTP.Connections < 1 || c.SMTP.Connections > 64 {
		bad("smtp.connections", "expected 1 to 64 parallel connections, got %d", c.SMTP.Connections)
	}
	if c.IMAP.MaxMessageSize <= 0 {
		bad("imap.max_message_size", "expected a size in bytes above 0, got %d", c.IMAP.MaxMessageSize)
	}
	if len(c.Handlers) == 0 {
		bad("handlers", "expected at least one [[handlers]] entry with name and email")
	}
	for i, h := range c.Handlers {
		if strings.TrimSpace(h.Name) == "" {
			bad(fmt.Sprintf("handlers[%d].name", i), "expected the handler's name (it is shown to complainants)")
		}
		if !validAddr(strings.ToLower(h.Email)) {
			bad(fmt.Sprintf("handlers[%d].email", i), "expected an e-mail address, got %q", h.Email)
		}
	}
	if len(c.Mgmt) == 0 {
		bad("management", "expected at least one [[management]] entry with name and email")
	}
	for i, h := range c.Mgmt {
		if !validAddr(strings.ToLower(h.Email)) {
			bad(fmt.Sprintf("management[%d].email", i), "expected an e-mail address, got %q", h.Email)
		}
	}
	for k, v := range c.ByDomain {
		found := false
		for _, h := range c.Handlers {
			found = found || strings.EqualFold(h.Email, v)
		}
		if !found {
			bad("handler_by_domain."+k, "expected the e-mail address of one of the [[handlers]], got %q", v)
		}
	}
	pr := c.Procedure
	for _, n := range []struct {
		key string
		v   int
	}{{"procedure.ack_days", pr.AckDays}, {"procedure.term_days", pr.TermDays}, {"procedure.objection_days", pr.ObjectionDays},
		{"procedure.lapse_days", pr.LapseDays}, {"procedure.default_delay_days", pr.DefaultDelayDays}} {
		if n.v < 1 || n.v > 250 {
			bad(n.key, "expected a number of working days from 1 to 250, got %d", n.v)
		}
	}
	if pr.DelayNoticeDays < 0 || pr.DelayNoticeDays >= pr.TermDays {
		bad("procedure.delay_notice_days", "expected 0 or more and fewer than term_days, got %d", pr.DelayNoticeDays)
	}
	for i, d := range pr.ReminderDays {
		if d < 1 || d >= pr.TermDays {
			bad(fmt.Sprintf("procedure.reminder_days[%d]", i), "expected 1 to term_days-1 working days, got %d", d)
		}
	}
	if _, err := parseClock(pr.EndOfBusinessDay); err != nil {
		bad("procedure.end_of_business_day", `expected a time like "17:00" (or "" for none), got %q`, pr.EndOfBusinessDay)
	}
	for i, d := range pr.ClosingDays {
		if _, err := workdays.ParseDate(d); err != nil {
			bad(fmt.Sprintf("procedure.closing_days[%d]", i), "expected a date YYYY-MM-DD, got %q", d)
		}
	}
	if _, err := time.ParseDuration(pr.SchedulerInterval); err != nil {
		bad("procedure.scheduler_interval", "expected a duration like 1m, got %q", pr.SchedulerInterval)
	}
	if _, err := parseClock(c.Digest.At); err != nil {
		bad("digest.at", `expected a time like "08:00", got %q`, c.Digest.At)
	}
	if _, err := time.ParseDuration(c.Digest.IntakeAlertAfter); err != nil {
		bad("digest.intake_alert_after", "expected a duration like 30m, got %q", c.Digest.IntakeAlertAfter)
	}
	for label, field := range c.Labels {
		switch field {
		case "company", "address", "name", "phone", "availability", "email", "date", "description", "references", "contact":
		default:
			bad("labels."+label, "expected one of company, address, name, phone, availability, email, date, description, references, contact; got %q", field)
		}
	}
	c.Security.validate(bad)
	if d, err := time.ParseDuration(c.Intake.DoubleSubmitWindow); err != nil || d < 0 {
		bad("intake.double_submit_window", `expected a duration like "10m" (or "0s" for none), got %q`, c.Intake.DoubleSubmitWindow)
	}
	p = append(p, c.validateReport()...)
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			bad("http.listen", "expected host:port like 127.0.0.1:9180, got %q", c.HTTP.Listen)
		}
	}
	p = append(p, c.validateOAuth2()...)
	return p
}

// Warnings are valid but risky settings, printed by check-config and at start.
func (c *Config) Warnings() []string {
	var w []string
	w = append(w, c.Security.warnings()...)
	if len(c.Gateway.IntakeTeam) == 0 {
		w = append(w, "gateway.intake_team is empty: alerts about quarantined mail go nowhere")
	}
	w = append(w, c.oauth2Warnings()...)
	return w
}

func parseClock(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}

func (c *Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

func secret(s ServerConfig) string {
	if s.Password != "" {
		return s.Password
	}
	if s.PasswordEnv != "" {
		return os.Getenv(s.PasswordEnv)
	}
	return ""
}

func (c *Config) calendar() *workdays.Calendar {
	var closing []time.Time
	for _, d := range c.Procedure.ClosingDays {
		t, _ := workdays.ParseDate(d)
		closing = append(closing, t)
	}
	eod, _ := parseClock(c.Procedure.EndOfBusinessDay)
	return workdays.New(closing, eod)
}

func people(in []PersonConfig) []correspondence.Person {
	var out []correspondence.Person
	for _, p := range in {
		out = append(out, correspondence.Person{Name: p.Name, Email: strings.ToLower(p.Email)})
	}
	return out
}

func (c *Config) settings() correspondence.Settings {
	s := correspondence.DefaultSettings()
	s.Gateway = strings.ToLower(c.Gateway.Address)
	s.GatewayName = c.Gateway.Name
	s.Organisation = c.Gateway.Organisation
	s.FormURL = c.Gateway.FormURL
	s.Lang = c.Gateway.Language
	s.DoubleSubmitWindow, _ = time.ParseDuration(c.Intake.DoubleSubmitWindow)
	s.Handlers = people(c.Handlers)
	s.Management = people(c.Mgmt)
	for _, a := range c.Gateway.IntakeTeam {
		s.IntakeTeam = append(s.IntakeTeam, strings.ToLower(a))
	}
	if len(s.IntakeTeam) == 0 {
		s.IntakeTeam = nil
		for _, m := range s.Management {
			s.IntakeTeam = append(s.IntakeTeam, m.Email)
		}
	}
	s.HandlerByDomain = map[string]string{}
	for k, v := range c.ByDomain {
		s.HandlerByDomain[strings.ToLower(k)] = strings.ToLower(v)
	}
	p := c.Procedure
	s.AckDays, s.TermDays, s.DelayNoticeDays, s.ObjectionDays, s.LapseDays = p.AckDays, p.TermDays, p.DelayNoticeDays, p.ObjectionDays, p.LapseDays
	s.ReminderDays, s.DefaultDelayDays = p.ReminderDays, p.DefaultDelayDays
	if p.DefaultDelayReason != "" {
		s.DefaultDelayNL = p.DefaultDelayReason
	}
	if p.DefaultDelayEN != "" {
		s.DefaultDelayEN = p.DefaultDelayEN
	}
	if p.Court != "" {
		s.Court = p.Court
	}
	s.ExposeHandlerAddress = c.Gateway.ExposeHandlerAddress
	s.MaxRelayAttachment = c.Gateway.MaxRelayAttachment
	s.AutoLetterCap = c.Gateway.AutoLetterCap
	if len(c.SMTP.RetrySchedule) > 0 {
		s.OutboxRetry = nil
		for _, d := range c.SMTP.RetrySchedule {
			v, _ := time.ParseDuration(d)
			s.OutboxRetry = append(s.OutboxRetry, v)
		}
	}
	c.Security.apply(&s)
	c.reportSettings(&s)
	return s
}

func (c *Config) parserOptions() parser.Options {
	return parser.Options{FormSenders: c.Gateway.FormSenders, Labels: c.Labels, Region: c.Gateway.PhoneRegion,
		MaxBytes: int(c.IMAP.MaxMessageSize), MaxAttachment: c.Gateway.MaxRelayAttachment}
}

func (c *Config) digestSchedule() correspondence.DigestSchedule {
	at, _ := parseClock(c.Digest.At)
	after, _ := time.ParseDuration(c.Digest.IntakeAlertAfter)
	return correspondence.DigestSchedule{Daily: c.Digest.Daily, Weekly: c.Digest.Weekly, At: at, IntakeAlertAfter: after}
}

func (c *Config) imapConfig() mailbox.IMAPConfig {
	poll, _ := time.ParseDuration(c.IMAP.PollInterval)
	return mailbox.IMAPConfig{Addr: c.IMAP.Address, TLS: mailbox.TLSMode(c.IMAP.TLS), Username: c.IMAP.Username,
		Password: secret(c.IMAP), Insecure: c.IMAP.InsecureVerify, Folder: c.IMAP.Folder, Processed: c.IMAP.Processed,
		Quarantine: c.IMAP.Quarantine, PollInterval: poll, MaxBytes: c.IMAP.MaxMessageSize, OAuth2: c.imapTokens()}
}

func (c *Config) smtpConfig() mailbox.SMTPConfig {
	timeout, _ := time.ParseDuration(c.SMTP.Timeout)
	return mailbox.SMTPConfig{Addr: c.SMTP.Address, TLS: mailbox.TLSMode(c.SMTP.TLS), Username: c.SMTP.Username,
		Password: secret(c.SMTP), Insecure: c.SMTP.InsecureVerify, HeloName: c.SMTP.Helo, Timeout: timeout, OAuth2: c.smtpTokens()}
}
