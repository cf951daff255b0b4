package main

import "fmt"

// RetentionConfig is the [retention] table: how long personal data is kept.
type RetentionConfig struct {
	// MonthsAfterClosure is the retention term: this many months after a
	// complaint closes, its personal data is erased (a legal hold excepted).
	MonthsAfterClosure int `toml:"months_after_closure"`
}

func (r RetentionConfig) validate() []string {
	// Ten years is far past any limitation period that could need the file;
	// a longer term is more likely a typo (240 for 24).
	if r.MonthsAfterClosure < 1 || r.MonthsAfterClosure > 120 {
		return []string{fmt.Sprintf("retention.months_after_closure: expected a number of months from 1 to 120 (24 is usual), got %d", r.MonthsAfterClosure)}
	}
	return nil
}
