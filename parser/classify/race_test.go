//go:build race

package classify

// classifyRace is true under the race detector, which slows the regexp
// engine a hundredfold: timing checks are skipped then.
const classifyRace = true
