package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/correspondence/workdays"
	"github.com/ingressus/klachtd/mailbox"
	"github.com/ingressus/klachtd/parser"
)

// Config is klachtd.toml as the daemon holds it: the keys (package config,
// every one documented in klachtd.example.toml) and what comes with the
// file once it is read.
type Config struct {
	config.Config

	// dir is the folder of the config file: relative paths are taken from it.
	dir string
	// cas are the pools of the ca_files, read once by ParseConfig.
	cas map[string]*x509.CertPool
	// tokens is the OAuth2 token source, built once by oauth2Source.
	tokens *mailbox.TokenSource
	// now is the daemon's clock; nil is time.Now. Tests move it (the
	// journey tests play weeks of the procedure in seconds).
	now func() time.Time
}

// DefaultConfig is the configuration before the file is read.
func DefaultConfig() Config { return Config{Config: config.Default()} }

// validAddr reports whether s is a bare e-mail address.
var validAddr = config.ValidAddress

// Values of [imap] auth and [smtp] auth.
const (
	authPassword = config.AuthPassword
	authOAuth2   = config.AuthOAuth2
)

// LoadConfig reads and validates a config file.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open config: %w (give the file with --config; klachtd.example.toml documents every key)", err)
	}
	defer f.Close()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg, err := ParseConfig(f, filepath.Dir(abs))
	if err != nil {
		// A TOML syntax error names a line; the operator also needs the
		// file (there may be several configs on a machine).
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig reads a config from r; dir is where relative paths start.
// The ca_files are read here, from dir.
func ParseConfig(r io.Reader, dir string) (*Config, error) {
	c, err := config.Parse(r)
	var ce *config.Error
	if err != nil && !errors.As(err, &ce) {
		return nil, err
	}
	cfg := &Config{Config: *c, dir: dir}
	if p := cfg.validateCAFiles(); len(p) > 0 {
		if ce == nil {
			ce = &config.Error{}
		}
		ce.Problems = append(ce.Problems, p...)
	}
	if ce != nil {
		return nil, ce
	}
	return cfg, nil
}

// Warnings are valid but risky settings, printed by check-config and at start.
func (c *Config) Warnings() []string {
	var w []string
	w = append(w, securityWarnings(c.Security)...)
	if len(c.Gateway.IntakeTeam) == 0 {
		w = append(w, "gateway.intake_team is empty: alerts about quarantined mail go nowhere")
	}
	w = append(w, c.oauth2Warnings()...)
	return w
}

func (c *Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

func secret(s config.ServerConfig) string {
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
		closing = append(closing, d.Time)
	}
	return workdays.New(closing, c.Procedure.EndOfBusinessDay.Duration)
}

func people(in []config.PersonConfig) []correspondence.Person {
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
	s.DoubleSubmitWindow = c.Intake.DoubleSubmitWindow.Duration
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
			s.OutboxRetry = append(s.OutboxRetry, d.Duration)
		}
	}
	applySecurity(c.Security, &s)
	c.reportSettings(&s)
	return s
}

func (c *Config) parserOptions() parser.Options {
	return parser.Options{FormSenders: c.Gateway.FormSenders, Labels: c.Labels, Region: c.Gateway.PhoneRegion,
		MaxBytes: int(c.IMAP.MaxMessageSize), MaxAttachment: c.Gateway.MaxRelayAttachment}
}

func (c *Config) digestSchedule() correspondence.DigestSchedule {
	return correspondence.DigestSchedule{Daily: c.Digest.Daily, Weekly: c.Digest.Weekly, At: c.Digest.At.Duration,
		IntakeAlertAfter: c.Digest.IntakeAlertAfter.Duration}
}

func (c *Config) imapConfig() mailbox.IMAPConfig {
	return mailbox.IMAPConfig{Addr: c.IMAP.Address, TLS: mailbox.TLSMode(c.IMAP.TLS), Username: c.IMAP.Username,
		Password: secret(c.IMAP.ServerConfig), Insecure: c.IMAP.InsecureVerify, Folder: c.IMAP.Folder, Processed: c.IMAP.Processed,
		Quarantine: c.IMAP.Quarantine, PollInterval: c.IMAP.PollInterval.Duration, MaxBytes: c.IMAP.MaxMessageSize, OAuth2: c.imapTokens()}
}

func (c *Config) smtpConfig() mailbox.SMTPConfig {
	return mailbox.SMTPConfig{Addr: c.SMTP.Address, TLS: mailbox.TLSMode(c.SMTP.TLS), Username: c.SMTP.Username,
		Password: secret(c.SMTP.ServerConfig), Insecure: c.SMTP.InsecureVerify, HeloName: c.SMTP.Helo, Timeout: c.SMTP.Timeout.Duration, OAuth2: c.smtpTokens()}
}
