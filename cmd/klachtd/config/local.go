package config

import "time"

// LocalPassword is the IMAP password Local sets: the demo world's.
const LocalPassword = "demo"

// Local is the config of a gateway whose mail servers run on this machine:
// the demo world, the tests' in-process servers, the benchmark's and the
// e2e tests' Dovecot and Postfix. It is the defaults with both servers
// without TLS, From trusted (these worlds sign no DKIM), no digests, and
// Ingressus's people at domain: klachten@ is the intake and the IMAP login
// (password LocalPassword), noreply@web. the web form, two handlers and
// directie@ the management and intake team. Callers change what their
// world needs on the struct; WriteFile writes it.
func Local(domain, imapAddr, smtpAddr string) Config {
	c := Default()
	intake := "klachten@" + domain
	c.Gateway.Address = intake
	c.Gateway.FormSenders = []string{"noreply@web." + domain}
	c.Gateway.IntakeTeam = []string{"directie@" + domain}
	c.IMAP.Address, c.IMAP.TLS = imapAddr, "none"
	c.IMAP.Username, c.IMAP.Password = intake, LocalPassword
	c.IMAP.PollInterval = Dur(10 * time.Second)
	c.SMTP.Address, c.SMTP.TLS = smtpAddr, "none"
	c.SMTP.Timeout = Dur(10 * time.Second)
	c.Handlers = []PersonConfig{{Name: "Marieke de Vries", Email: "m.devries@" + domain}, {Name: "Jeroen Bakker", Email: "j.bakker@" + domain}}
	c.Mgmt = []PersonConfig{{Name: "Directie Ingressus", Email: "directie@" + domain}}
	c.Security.TrustFrom = true
	c.Digest.Daily, c.Digest.Weekly = false, false
	return c
}
