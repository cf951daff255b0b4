//go:build race

package parser

// classifyRace is true under the race detector, which slows the regexp
// engine a hundredfold: timing checks are skipped then.
const classifyRace = true
