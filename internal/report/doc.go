// Package report turns a results file into what people read. Build computes
// one Model (statistics and cost per variant × memory size, comparisons,
// warnings); every output format renders that same Model, so they never
// disagree. report imports only stats, cost and bench's records.
package report
