package lambdaapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// functionConfiguration is Lambda's FunctionConfiguration (lambda-spec.md §6).
type functionConfiguration struct {
	FunctionName     string            `json:"FunctionName"`
	FunctionArn      string            `json:"FunctionArn"`
	Runtime          string            `json:"Runtime"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler"`
	CodeSize         int64             `json:"CodeSize"`
	Description      string            `json:"Description"`
	Timeout          int               `json:"Timeout"`
	MemorySize       int               `json:"MemorySize"`
	LastModified     string            `json:"LastModified"`
	CodeSha256       string            `json:"CodeSha256"`
	Version          string            `json:"Version"`
	Environment      *environmentVars  `json:"Environment,omitempty"`
	TracingConfig    map[string]string `json:"TracingConfig"`
	RevisionID       string            `json:"RevisionId"`
	State            string            `json:"State"`
	StateReason      string            `json:"StateReason,omitempty"`
	StateReasonCode  string            `json:"StateReasonCode,omitempty"`
	LastUpdateStatus string            `json:"LastUpdateStatus,omitempty"`
	// Set only while an update is in progress (the update's own response).
	LastUpdateStatusReason     string            `json:"LastUpdateStatusReason,omitempty"`
	LastUpdateStatusReasonCode string            `json:"LastUpdateStatusReasonCode,omitempty"`
	PackageType                string            `json:"PackageType"`
	Architectures              []string          `json:"Architectures"`
	EphemeralStorage           map[string]int    `json:"EphemeralStorage"`
	SnapStart                  map[string]string `json:"SnapStart"`
	LoggingConfig              map[string]string `json:"LoggingConfig"`
}

type environmentVars struct {
	Variables map[string]string `json:"Variables"`
}

func (s *Server) configuration(cfg platform.FunctionConfig) functionConfiguration {
	fc := functionConfiguration{
		FunctionName: cfg.Name, FunctionArn: s.p.FunctionARN(cfg.Name), Runtime: cfg.Runtime,
		Role:    "arn:aws:iam::" + s.p.AccountID() + ":role/coldstart-local",
		Handler: cfg.Handler, CodeSize: cfg.CodeSize, Description: cfg.Description,
		Timeout: int(cfg.Timeout / time.Second), MemorySize: cfg.MemoryMB,
		// Lambda's format: 2024-02-15T15:26:22.890+0000
		LastModified: cfg.LastModified.UTC().Format("2006-01-02T15:04:05.000-0700"),
		CodeSha256:   cfg.CodeSHA256, Version: platform.VersionLatest,
		TracingConfig: map[string]string{"Mode": "PassThrough"}, RevisionID: cfg.RevisionID,
		State: "Active", LastUpdateStatus: "Successful", PackageType: "Zip",
		Architectures:    []string{cfg.Architecture},
		EphemeralStorage: map[string]int{"Size": 512},
		SnapStart:        map[string]string{"ApplyOn": "None", "OptimizationStatus": "Off"},
		LoggingConfig:    map[string]string{"LogFormat": "Text", "LogGroup": "/aws/lambda/" + cfg.Name},
	}
	if len(cfg.Environment) > 0 {
		fc.Environment = &environmentVars{Variables: cfg.Environment}
	}
	return fc
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (platform.FunctionConfig, bool) {
	ref, ok := s.target(w, r)
	if !ok {
		return platform.FunctionConfig{}, false
	}
	cfg, ok := s.p.Function(ref.name)
	if !ok {
		writeError(w, notFound(ref.arn))
	}
	return cfg, ok
}

func (s *Server) getFunction(w http.ResponseWriter, r *http.Request) {
	cfg, ok := s.lookup(w, r)
	if !ok {
		return
	}
	out := map[string]any{
		"Configuration": s.configuration(cfg),
		"Code":          map[string]string{"RepositoryType": "S3", "Location": "file://" + cfg.CodeDir},
	}
	if n, ok := s.p.ReservedConcurrency(cfg.Name); ok {
		out["Concurrency"] = map[string]int64{"ReservedConcurrentExecutions": n}
	}
	b, _ := json.Marshal(out)
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) getFunctionConfiguration(w http.ResponseWriter, r *http.Request) {
	cfg, ok := s.lookup(w, r)
	if !ok {
		return
	}
	b, _ := json.Marshal(s.configuration(cfg))
	writeJSON(w, http.StatusOK, b)
}

// listFunctions pages with Marker/MaxItems; Lambda returns at most 50 per page.
func (s *Server) listFunctions(w http.ResponseWriter, r *http.Request) {
	all := s.p.Functions()
	q := r.URL.Query()
	start, _ := strconv.Atoi(q.Get("Marker"))
	size := 50
	if m, err := strconv.Atoi(q.Get("MaxItems")); err == nil && m > 0 && m < size {
		size = m
	}
	start = min(max(start, 0), len(all))
	end := min(start+size, len(all))
	out := struct {
		Functions  []functionConfiguration `json:"Functions"`
		NextMarker string                  `json:"NextMarker,omitempty"`
	}{Functions: []functionConfiguration{}}
	for _, cfg := range all[start:end] {
		out.Functions = append(out.Functions, s.configuration(cfg))
	}
	if end < len(all) {
		out.NextMarker = strconv.Itoa(end)
	}
	b, _ := json.Marshal(out)
	writeJSON(w, http.StatusOK, b)
}
