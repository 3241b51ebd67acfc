package selfbench

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiles names the pprof files to write for the platform's own process;
// an empty name skips that profile.
type Profiles struct {
	CPU    string // CPU time
	Allocs string // every allocation since the start (go tool pprof -sample_index=alloc_space)
	Block  string // time goroutines spent blocked on channels, selects and locks
	Mutex  string // time goroutines waited for a contended mutex
}

// Start begins the profiles that need starting; stop writes every profile
// and must be called once the measured work is done.
func (p Profiles) Start() (stop func() error, err error) {
	var cpu *os.File
	if p.CPU != "" {
		if cpu, err = os.Create(p.CPU); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, err
		}
	}
	if p.Allocs != "" {
		runtime.MemProfileRate = 64 << 10 // a finer sample than the default 512 KiB
	}
	if p.Block != "" {
		runtime.SetBlockProfileRate(10_000) // one sample per 10 µs blocked
	}
	if p.Mutex != "" {
		runtime.SetMutexProfileFraction(10)
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		for _, w := range []struct{ name, file string }{{"allocs", p.Allocs}, {"block", p.Block}, {"mutex", p.Mutex}} {
			if w.file != "" {
				errs = append(errs, writeProfile(w.name, w.file))
			}
		}
		return errors.Join(errs...)
	}, nil
}

func writeProfile(name, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("%s profile: %w", name, err)
	}
	return f.Close()
}
