package sandbox

import (
	"os"
	"testing"
	"time"
)

// The warmer's no-op migration leaves this process where it was, and stop
// ends it.
func TestMigrationWarmerMovesNothing(t *testing.T) {
	be, err := Detect("cgroup1")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cgroup v1 is required under CI: %v", err)
		}
		t.Skip(err)
	}
	before, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	if be.(*cgroup1Backend).warm == nil {
		t.Fatal("the migration warmer did not start")
	}
	time.Sleep(5 * warmEvery)
	after, _ := os.ReadFile("/proc/self/cgroup")
	if string(before) != string(after) {
		t.Fatalf("the warmer moved this process:\nbefore %s\nafter %s", before, after)
	}
	if err := be.Close(); err != nil {
		t.Fatal(err)
	}
	var nilWarmer *migrationWarmer
	nilWarmer.stop() // a backend without one closes too
}
