//go:build race

package e2e

// raceEnabled builds the binary under test with the race detector too, so
// `go test -race` checks the platform's own concurrency, not just the client.
const raceEnabled = true
