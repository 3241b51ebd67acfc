// Package stats is coldstart's statistics on samples, in benchstat's manner:
// medians and bootstrap confidence intervals by default, a Mann-Whitney U test
// for significance, and warnings instead of numbers that the data cannot
// support (fewer than MinSamples samples never get an interval).
//
// Everything here is a pure function of float64 samples (milliseconds in
// practice, but nothing depends on the unit). Randomness comes only from
// Options.Seed, so the same data and seed always give the same intervals.
//
// stats must not import any other coldstart package: report, cost and the
// commands build on it, and it has to stay testable on plain numbers.
package stats
