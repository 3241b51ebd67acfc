// Package reportlog is the one place Lambda's platform log lines live: it formats
// INIT_START, INIT_REPORT, START, END and REPORT lines exactly as Lambda prints
// them (text log format) and parses REPORT and INIT_REPORT lines back.
//
// Formats follow lambda-spec.md §4: tab-separated fields, durations with two
// decimals, Billed Duration and memory as integers. reportlog imports nothing of
// ours, so stats, report and the platform can all depend on it.
package reportlog
