package sandbox

import (
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// BenchmarkPeakMemory times one PeakMemory of a live sandbox, per backend:
// REPORT's Max Memory Used reads it at the end of every invoke, between the
// runtime's /next and the environment's release. "one" runs a single
// process, "tree" a shell with two children (procfs peaks are summed over
// every process).
func BenchmarkPeakMemory(b *testing.B) {
	trees := []struct {
		name   string
		script string
	}{
		{"one", "exec sleep 600"},
		{"tree", "sleep 600 & sleep 600 & wait"},
	}
	forEachBackend(b, func(b *testing.B, name string, be Backend) {
		for _, tree := range trees {
			b.Run(tree.name, func(b *testing.B) {
				box, err := be.New(Spec{Name: "bench-peak-" + name + "-" + tree.name, MemoryMB: 1024, CPU: 1})
				if err != nil {
					b.Fatal(err)
				}
				defer box.Close()
				if _, err := box.Start(exec.Command("/bin/sh", "-c", tree.script)); err != nil {
					b.Fatal(err)
				}
				if box.PeakMemory() == 0 {
					b.Fatal("no peak memory")
				}
				b.ReportAllocs()
				for b.Loop() {
					box.PeakMemory()
				}
			})
		}
	})
}

// BenchmarkNewSandbox times creating an empty sandbox, the part of a cold
// start before the runtime's exec that the sandbox owns (cgroup directories
// and limits); closing it is not timed.
func BenchmarkNewSandbox(b *testing.B) {
	forEachBackend(b, func(b *testing.B, name string, be Backend) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			box, err := be.New(Spec{Name: "bench-new-" + strconv.Itoa(i), MemoryMB: 1024, CPU: 0.58})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := box.Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
}

// BenchmarkCloseSandbox times closing an empty sandbox (removing its
// cgroups): N of them when an N-invoke burst is retired.
func BenchmarkCloseSandbox(b *testing.B) {
	forEachBackend(b, func(b *testing.B, name string, be Backend) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			b.StopTimer()
			box, err := be.New(Spec{Name: "bench-close-" + strconv.Itoa(i), MemoryMB: 1024, CPU: 0.58})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := box.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStart times starting /bin/true in a sandbox until it has exited:
// beside plain, what a backend adds to a runtime's start (cgroup v1 stops
// the child at exec to move it into its cgroups).
func BenchmarkStart(b *testing.B) {
	forEachBackend(b, func(b *testing.B, name string, be Backend) {
		box, err := be.New(Spec{Name: "bench-start-" + name, MemoryMB: 1024, CPU: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer box.Close()
		b.ReportAllocs()
		for b.Loop() {
			exit, err := box.Start(exec.Command("/bin/true"))
			if err != nil {
				b.Fatal(err)
			}
			<-exit
		}
	})
}

// BenchmarkStartAfterQuiet times starting a process in a new sandbox after
// 50 ms of quiet, as a cold start after a pause meets it. Under cgroup v1
// the attach waits for an RCU grace period unless the migration warmer
// keeps the kernel's threadgroup rwsem warm (warm.go): compare with a
// back-to-back start (BenchmarkStart).
func BenchmarkStartAfterQuiet(b *testing.B) {
	forEachBackend(b, func(b *testing.B, name string, be Backend) {
		i := 0
		for b.Loop() {
			i++
			b.StopTimer()
			box, err := be.New(Spec{Name: "bench-quiet-" + strconv.Itoa(i), MemoryMB: 1024, CPU: 0.58})
			if err != nil {
				b.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			b.StartTimer()
			exit, err := box.Start(exec.Command("/bin/true"))
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			<-exit
			_ = box.Close()
			b.StartTimer()
		}
	})
}
