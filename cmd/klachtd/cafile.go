package main

import (
	"crypto/x509"
	"fmt"
	"os"
)

// readCAFile reads a PEM file of CA certificates for a server with a
// private CA ([imap] / [smtp] ca_file). Relative paths are relative to the
// config file.
func (c *Config) readCAFile(file string) (*x509.CertPool, error) {
	data, err := os.ReadFile(c.path(file))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("no PEM certificate in %s", c.path(file))
	}
	return pool, nil
}

// validateCAFiles reads each ca_file once, keeping its pool for caPool,
// and names one that cannot be used.
func (c *Config) validateCAFiles() []string {
	var p []string
	for _, s := range []struct {
		key  string
		file string
	}{{"imap.ca_file", c.IMAP.CAFile}, {"smtp.ca_file", c.SMTP.CAFile}} {
		if s.file == "" {
			continue
		}
		pool, err := c.readCAFile(s.file)
		if err != nil {
			p = append(p, fmt.Sprintf("%s: expected a readable PEM file of CA certificates, got %q (%v)", s.key, s.file, err))
			continue
		}
		if c.cas == nil {
			c.cas = map[string]*x509.CertPool{}
		}
		c.cas[s.file] = pool
	}
	return p
}

// caPool is the CA pool of a ca_file as ParseConfig read it; nil (the
// system's roots) when none is set.
func (c *Config) caPool(file string) *x509.CertPool {
	if file == "" {
		return nil
	}
	if pool := c.cas[file]; pool != nil {
		return pool
	}
	return x509.NewCertPool() // not read by ParseConfig: trust nothing (fail closed)
}
