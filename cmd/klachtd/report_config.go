package main

import (
	"fmt"
	"strings"

	"github.com/ingressus/klachtd/correspondence"
)

// CategoriesConfig is [categories]: the names handlers tag complaints with
// (#categorie), counted per category in the report.
type CategoriesConfig struct {
	// List replaces the default list (levering, facturatie, kwaliteit,
	// communicatie, overig) when given.
	List []string `toml:"list"`
}

// SurveyConfig is [survey]: the optional satisfaction question after
// closing (ISO 10002). Off by default.
type SurveyConfig struct {
	Enabled       bool `toml:"enabled"`
	AfterWorkdays *int `toml:"after_workdays"` // nil: the default (5)
}

// validateReport checks [categories] and [survey].
func (c *Config) validateReport() []string {
	var p []string
	seen := map[string]bool{}
	for i, name := range c.Categories.List {
		n := strings.ToLower(strings.TrimSpace(name))
		switch {
		case n == "" || strings.ContainsAny(n, " \t#,"):
			p = append(p, fmt.Sprintf("categories.list[%d]: expected one word without spaces, commas or #, like \"levering\"; got %q", i, name))
		case seen[n]:
			p = append(p, fmt.Sprintf("categories.list[%d]: %q is in the list twice", i, name))
		}
		seen[n] = true
	}
	if a := c.Survey.AfterWorkdays; a != nil && (*a < 0 || *a > 60) {
		p = append(p, fmt.Sprintf("survey.after_workdays: expected 0 to 60 working days after closing, got %d", *a))
	}
	return p
}

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
