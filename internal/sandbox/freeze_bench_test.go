package sandbox

import (
	"os/exec"
	"testing"
)

// BenchmarkFreezeThaw times one Freeze and one Thaw of an idle process,
// per backend: the platform pays both between two invokes.
func BenchmarkFreezeThaw(b *testing.B) {
	forEachBackend(b, func(b *testing.B, name string, be Backend) {
		box, err := be.New(Spec{Name: "bench-" + name, MemoryMB: 1769, CPU: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer box.Close()
		if _, err := box.Start(exec.Command("sleep", "600")); err != nil {
			b.Fatal(err)
		}
		b.Run("freeze", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				_ = box.Thaw()
				b.StartTimer()
				_ = box.Freeze()
			}
		})
		b.Run("thaw", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				_ = box.Freeze()
				b.StartTimer()
				_ = box.Thaw()
			}
		})
		b.Run("peak", func(b *testing.B) {
			for b.Loop() {
				box.PeakMemory()
			}
		})
	})
}

// forEachBackend runs bench as a sub-benchmark per backend this host has,
// skipping the others, and closes each backend after.
func forEachBackend(b *testing.B, bench func(b *testing.B, name string, be Backend)) {
	for _, name := range []string{"plain", "cgroup1", "cgroup2"} {
		b.Run(name, func(b *testing.B) {
			be, err := Detect(name)
			if err != nil {
				b.Skipf("%s: %v", name, err)
			}
			defer be.Close()
			bench(b, name, be)
		})
	}
}
