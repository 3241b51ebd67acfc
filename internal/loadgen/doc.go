// Package loadgen is an open-loop load generator free of coordinated omission.
//
// Requests are planned at intended times fixed by a constant rate from the
// run's start, and every latency is measured from the request's intended time,
// not from when it was actually sent. A slow target therefore cannot hide its
// slowness by slowing the generator down: when every worker is busy another is
// started, and when MaxInFlight caps them the request waits in a queue while
// its latency keeps counting. Failures of a request are data on its Result;
// Run returns a Go error only for bad options or an interrupted schedule.
//
// loadgen imports nothing of ours, so bench (or anything else) can drive it.
package loadgen
