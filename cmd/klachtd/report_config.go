package main

import (
	"strings"

	"github.com/ingressus/klachtd/correspondence"
)

// reportSettings carries [categories] and [survey] into the settings.
func (c *Config) reportSettings(s *correspondence.Settings) {
	if len(c.Categories.List) > 0 {
		s.Categories = nil
		for _, name := range c.Categories.List {
			s.Categories = append(s.Categories, strings.ToLower(strings.TrimSpace(name)))
		}
	}
	s.Survey.Enabled = c.Survey.Enabled
	if c.Survey.AfterWorkdays != nil {
		s.Survey.AfterWorkdays = *c.Survey.AfterWorkdays
	}
}
