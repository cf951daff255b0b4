// Package config is klachtd.toml: the struct of every key, its defaults,
// the one validation that names a bad key, and the encoder that writes a
// config back. klachtd reads it; the demo, the tests, the benchmark and the
// e2e tests write theirs from Local, so a renamed key breaks their build
// instead of leaving a stale key behind. Every key is documented in
// klachtd.example.toml (a test holds the two together).
package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ingressus/klachtd/correspondence"
)

// Config is klachtd.toml.
type Config struct {
	Gateway   GatewayConfig     `toml:"gateway"`
	IMAP      IMAPConfig        `toml:"imap"`
	SMTP      SMTPConfig        `toml:"smtp"`
	Handlers  []PersonConfig    `toml:"handlers"`
	Mgmt      []PersonConfig    `toml:"management"`
	ByDomain  map[string]string `toml:"handler_by_domain,omitempty"`
	Procedure ProcedureConfig   `toml:"procedure"`
	Security  SecurityConfig    `toml:"security"`
	Digest    DigestConfig      `toml:"digest"`
	Labels    map[string]string `toml:"labels,omitempty"`
	HTTP      HTTPConfig        `toml:"http"`
	OAuth2    OAuth2Config      `toml:"oauth2"`
	Intake    IntakeConfig      `toml:"intake"`
	Retention RetentionConfig   `toml:"retention"`

	// The report's categories and the satisfaction survey.
	Categories CategoriesConfig `toml:"categories"`
	Survey     SurveyConfig     `toml:"survey"`
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

// ServerConfig is what [imap] and [smtp] have in common: where the server
// is and how to log in.
type ServerConfig struct {
	Address        string `toml:"address"`
	TLS            string `toml:"tls"`
	Username       string `toml:"username"`
	Password       string `toml:"password"`
	PasswordEnv    string `toml:"password_env"`
	InsecureVerify bool   `toml:"insecure_skip_verify"`
	CAFile         string `toml:"ca_file"`
	Auth           string `toml:"auth"` // "password" (default) or "oauth2"
}

// IMAPConfig is the [imap] table: the intake mailbox.
type IMAPConfig struct {
	ServerConfig
	Folder         string   `toml:"folder"`
	Processed      string   `toml:"processed"`
	Quarantine     string   `toml:"quarantine"`
	PollInterval   Duration `toml:"poll_interval"`
	MaxMessageSize int64    `toml:"max_message_size"`
}

// SMTPConfig is the [smtp] table: how letters are sent.
type SMTPConfig struct {
	ServerConfig
	Helo          string     `toml:"helo"`
	Timeout       Duration   `toml:"timeout"`
	RetrySchedule []Duration `toml:"retry_schedule,omitempty"` // empty: the outbox's own schedule
	Connections   int        `toml:"connections"`
}

// PersonConfig is one [[handlers]] or [[management]] entry.
type PersonConfig struct {
	Name  string `toml:"name"`
	Email string `toml:"email"`
}

// ProcedureConfig is the [procedure] table: the policies of procedure.md.
type ProcedureConfig struct {
	AckDays            int       `toml:"ack_days"`
	TermDays           int       `toml:"term_days"`
	DelayNoticeDays    int       `toml:"delay_notice_days"`
	ObjectionDays      int       `toml:"objection_days"`
	LapseDays          int       `toml:"lapse_days"`
	ReminderDays       []int     `toml:"reminder_days"`
	DefaultDelayDays   int       `toml:"default_delay_days"`
	DefaultDelayReason string    `toml:"default_delay_reason"`
	DefaultDelayEN     string    `toml:"default_delay_reason_en"`
	EndOfBusinessDay   TimeOfDay `toml:"end_of_business_day"`
	ClosingDays        []Date    `toml:"closing_days,omitempty"`
	Court              string    `toml:"court"`
	SchedulerInterval  Duration  `toml:"scheduler_interval"`
}

// SecurityConfig is the [security] table: how a handler's or management's
// command is known to come from them (procedure.md, "Handler and management
// commands"; README, "Who may give commands").
type SecurityConfig struct {
	TrustFrom  bool   `toml:"trust_from"`
	AuthServID string `toml:"authserv_id"`
	VerifyDKIM bool   `toml:"verify_dkim"`
	// Provider: "microsoft365", "google" or "dkim".
	Provider string `toml:"provider"`
}

// DigestConfig is the [digest] table.
type DigestConfig struct {
	Daily            bool      `toml:"daily"`
	Weekly           bool      `toml:"weekly"`
	At               TimeOfDay `toml:"at"`
	IntakeAlertAfter Duration  `toml:"intake_alert_after"`
}

// HTTPConfig is the [http] table.
type HTTPConfig struct {
	Listen string `toml:"listen"`
}

// IntakeConfig is the [intake] section: how submissions are recognised.
type IntakeConfig struct {
	// DoubleSubmitWindow: the same complainant, company and description
	// again within this long is one complaint (procedure.md §1).
	DoubleSubmitWindow Duration `toml:"double_submit_window"`
}

// RetentionConfig is the [retention] table: how long personal data is kept.
type RetentionConfig struct {
	// MonthsAfterClosure is the retention term: this many months after a
	// complaint closes, its personal data is erased (a legal hold excepted).
	MonthsAfterClosure int `toml:"months_after_closure"`
}

// CategoriesConfig is [categories]: the names handlers tag complaints with
// (#categorie), counted per category in the report.
type CategoriesConfig struct {
	// List replaces the default list (levering, facturatie, kwaliteit,
	// communicatie, overig) when given.
	List []string `toml:"list,omitempty"`
}

// SurveyConfig is [survey]: the optional satisfaction question after
// closing (ISO 10002). Off by default.
type SurveyConfig struct {
	Enabled       bool `toml:"enabled"`
	AfterWorkdays *int `toml:"after_workdays"` // nil: the default (5)
}

// OAuth2Config is the [oauth2] table: how klachtd gets the access tokens
// for `auth = "oauth2"` under [imap] and [smtp].
type OAuth2Config struct {
	Provider        string   `toml:"provider"`
	Tenant          string   `toml:"tenant"`
	ClientID        string   `toml:"client_id"`
	ClientSecret    string   `toml:"client_secret"`
	ClientSecretEnv string   `toml:"client_secret_env"`
	CertificateFile string   `toml:"certificate_file"`
	KeyFile         string   `toml:"key_file"`
	ServiceAccount  string   `toml:"service_account_file"`
	TokenURL        string   `toml:"token_url"`
	Scopes          []string `toml:"scopes,omitempty"`
	// SecretExpires is the client secret's end date, for the warnings 30,
	// 7 and 1 days ahead.
	SecretExpires Date `toml:"client_secret_expires"`
}

// Values of [imap] auth and [smtp] auth.
const (
	AuthPassword = "password"
	AuthOAuth2   = "oauth2"
)

// UsesOAuth2 reports whether [imap] or [smtp] logs in with a token.
func (c *Config) UsesOAuth2() bool {
	return c.IMAP.Auth == AuthOAuth2 || c.SMTP.Auth == AuthOAuth2
}

// Default is the configuration before the file is read.
func Default() Config {
	return Config{
		Gateway: GatewayConfig{Address: "klachten@ingressus.nl", Name: "Ingressus Klachten", Organisation: "Ingressus",
			Language: "nl", Database: "klachtd.db", MaxRelayAttachment: 10 << 20, AutoLetterCap: 20, LogLevel: "info",
			PhoneRegion: "NL"},
		IMAP: IMAPConfig{ServerConfig: ServerConfig{TLS: "tls", PasswordEnv: "KLACHTD_IMAP_PASSWORD"},
			Folder: "INBOX", Processed: "Verwerkt", Quarantine: "Quarantaine", PollInterval: Dur(30 * time.Second), MaxMessageSize: 25 << 20},
		SMTP: SMTPConfig{ServerConfig: ServerConfig{TLS: "starttls", PasswordEnv: "KLACHTD_SMTP_PASSWORD"},
			Timeout: Dur(30 * time.Second), Connections: 4},
		Procedure: ProcedureConfig{AckDays: 5, TermDays: 20, DelayNoticeDays: 2, ObjectionDays: 10, LapseDays: 20,
			ReminderDays: []int{5, 3}, DefaultDelayDays: 10, EndOfBusinessDay: At(17, 0), SchedulerInterval: Dur(time.Minute)},
		Digest: DigestConfig{Daily: true, Weekly: true, At: At(8, 0), IntakeAlertAfter: Dur(30 * time.Minute)},
		Intake: IntakeConfig{DoubleSubmitWindow: Dur(10 * time.Minute)},

		Retention: RetentionConfig{MonthsAfterClosure: correspondence.DefaultRetentionMonths},
	}
}

// Error is a config that does not validate: each problem names the key
// that is wrong and what was expected.
type Error struct{ Problems []string }

func (e *Error) Error() string {
	return "config: " + strings.Join(e.Problems, "; ")
}

// Parse reads a config from r over Default and validates it. With bad
// values it returns the config read and an *Error naming every bad key; a
// TOML syntax error (or a value of the wrong TOML type) stops at the first
// and returns no config.
func Parse(r io.Reader) (*Config, error) {
	cfg := Default()
	md, err := toml.NewDecoder(r).Decode(&cfg)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var problems []string
	for _, k := range md.Undecoded() {
		problems = append(problems, fmt.Sprintf("%s: unknown key%s", k.String(), otherTable(k)))
	}
	problems = append(problems, cfg.validate()...)
	if len(problems) > 0 {
		return &cfg, &Error{problems}
	}
	return &cfg, nil
}

// otherTable says where a key of [imap] given under [smtp] (or the other
// way round) belongs: the two tables were one struct once, and such a key
// was silently ignored then.
func otherTable(k toml.Key) string {
	if len(k) != 2 {
		return ""
	}
	other := map[string]reflect.Type{"imap": reflect.TypeFor[SMTPConfig](), "smtp": reflect.TypeFor[IMAPConfig]()}[k[0]]
	if other == nil {
		return ""
	}
	for i := range other.NumField() {
		if name, _, _ := strings.Cut(other.Field(i).Tag.Get("toml"), ","); name == k[1] {
			return fmt.Sprintf(" (%s is a key of [%s])", k[1], map[string]string{"imap": "smtp", "smtp": "imap"}[k[0]])
		}
	}
	return ""
}

// Encode writes c as TOML that Parse reads back to c.
func (c *Config) Encode(w io.Writer) error {
	enc := toml.NewEncoder(w)
	enc.Indent = ""
	return enc.Encode(c)
}

// WriteFile writes c to path (mode 0600: it may hold passwords), after
// comment lines that say who wrote it.
func (c *Config) WriteFile(path string, comment ...string) error {
	var b bytes.Buffer
	for _, l := range comment {
		fmt.Fprintf(&b, "# %s\n", l)
	}
	if len(comment) > 0 {
		b.WriteString("\n")
	}
	if err := c.Encode(&b); err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}
