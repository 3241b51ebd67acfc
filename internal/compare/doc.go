// Package compare sets two results files side by side in benchstat's manner
// and gates CI on the differences.
//
// Compare builds a report.Model for each file with the same seed, matches
// groups by variant and memory size, and for every metric with samples on
// both sides states the base and new medians with their confidence
// intervals, the change with the interval of the ratio, and a Mann-Whitney
// p-value; differences that are not significant print as "~", too few
// samples as a footnote instead of a number. ParseCondition reads --fail-if
// expressions ("cold.p50>+10%") and Table.Check finds the groups that break
// them.
//
// compare builds on report, stats and bench's records; it must not import
// the commands, the platform or anything that runs functions.
package compare
