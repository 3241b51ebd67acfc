package bench

import "time"

// Record kinds: the first line of a results file is a run header, every
// other line a sample (or a resume marker, which readers skip).
const (
	KindRun    = "run"
	KindSample = "sample"
	KindResume = "resume"
)

// Phases.
const (
	PhaseCold  = "cold"
	PhaseWarm  = "warm"
	PhaseLoad  = "load"
	PhaseBurst = "burst"
)

// Flags on samples that statistics treat specially.
const (
	// FlagNotCold marks a cold-phase sample whose REPORT had no Init
	// Duration: the platform reused an environment, so it is excluded from
	// cold statistics.
	FlagNotCold = "not-cold"
	// FlagWarmup marks warm-up invokes, recorded but not counted.
	FlagWarmup = "warmup"
)

// Sample is one invocation: one line of results.jsonl, append-only.
type Sample struct {
	Kind    string `json:"kind"` // KindSample
	Run     string `json:"run"`
	Variant string `json:"variant"`
	Phase   string `json:"phase"`
	// PhaseIndex is the phase's position in the scenario, which tells two
	// phases of one kind apart.
	PhaseIndex int    `json:"phase_index"`
	MemoryMB   int    `json:"memory_mb"`
	Arch       string `json:"arch"`
	// Rep numbers the repetitions of a phase (load runs, burst runs), from 0.
	Rep int `json:"rep"`
	// Seq numbers samples within one rep of a phase, from 0.
	Seq       int    `json:"seq"`
	RequestID string `json:"request_id,omitempty"`
	// Cold is true only if the REPORT carried Init Duration.
	Cold        bool    `json:"cold"`
	InitMS      float64 `json:"init_ms,omitempty"`
	DurationMS  float64 `json:"duration_ms"`
	BilledMS    int64   `json:"billed_ms"`
	MaxMemoryMB int     `json:"max_memory_mb"`
	// ClientMS is the client-observed latency; under load it runs from the
	// intended send time, so queueing in the client is never hidden.
	ClientMS      float64   `json:"client_ms"`
	IntendedAt    time.Time `json:"intended_at"`
	SentAt        time.Time `json:"sent_at"`
	DoneAt        time.Time `json:"done_at"`
	Status        int       `json:"status"`                   // HTTP status of the Invoke call; 0 if none
	FunctionError string    `json:"function_error,omitempty"` // X-Amz-Function-Error
	ErrorType     string    `json:"error_type,omitempty"`     // REPORT Error Type, or the error payload's type
	Error         string    `json:"error,omitempty"`          // the invoke could not be made (throttle, network, …)
	ReportStatus  string    `json:"report_status,omitempty"`  // REPORT Status: timeout | error
	Flag          string    `json:"flag,omitempty"`           // FlagNotCold, FlagWarmup
}

// OK reports whether the invoke succeeded end to end.
func (s *Sample) OK() bool { return s.Error == "" && s.FunctionError == "" && s.Status == 200 }

// Run is the header line of a results file.
type Run struct {
	Kind         string        `json:"kind"` // KindRun
	ID           string        `json:"id"`
	Started      time.Time     `json:"started"`
	ScenarioPath string        `json:"scenario_path"`
	Scenario     string        `json:"scenario"` // the file, verbatim
	ScenarioHash string        `json:"scenario_hash"`
	Target       TargetInfo    `json:"target"`
	Host         Host          `json:"host"`
	Version      string        `json:"coldstart_version"`
	Variants     []VariantInfo `json:"variants"`
	ColdRatio    float64       `json:"cold_ratio"` // the cold-start share cost figures assume
}

// TargetInfo says where the invokes went.
type TargetInfo struct {
	Kind     string `json:"kind"` // local | endpoint | aws
	Endpoint string `json:"endpoint,omitempty"`
	Region   string `json:"region"`
	// Sandbox describes the local platform's sandbox ("" elsewhere).
	Sandbox string `json:"sandbox,omitempty"`
	// SandboxLimits says which limits the sandbox enforced.
	SandboxLimits string `json:"sandbox_limits,omitempty"`
}

// Host is the machine that ran the benchmark (and, locally, the functions).
type Host struct {
	Hostname string `json:"hostname"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	CPU      string `json:"cpu"`
	CPUs     int    `json:"cpus"`
	Kernel   string `json:"kernel,omitempty"`
	Go       string `json:"go"`
}

// VariantInfo describes one variant's function as the target reported it.
type VariantInfo struct {
	Name         string `json:"name"`
	Function     string `json:"function"`
	Arch         string `json:"arch"`
	Runtime      string `json:"runtime,omitempty"`
	MemoryMB     int    `json:"memory_mb"` // as configured before the run
	PackageBytes int64  `json:"package_bytes"`
	PackageFiles int    `json:"package_files,omitempty"` // 0 when the target cannot tell
	// Interpreter is what ran a managed runtime locally, e.g.
	// "nodejs20.x on /usr/bin/node 20.20.2"; empty on AWS and for provided runtimes.
	Interpreter string `json:"interpreter,omitempty"`
}
