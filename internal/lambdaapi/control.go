package lambdaapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/coldstartlab/coldstart/internal/codestore"
	"github.com/coldstartlab/coldstart/internal/codezip"
	"github.com/coldstartlab/coldstart/internal/platform"
)

// deleteFunction serves DeleteFunction. Only $LATEST exists locally, so a
// qualifier other than it is not found; deleting removes the function,
// its reservation, its Event invoke configuration and its stored code.
func (s *Server) deleteFunction(w http.ResponseWriter, r *http.Request) {
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	if ref.qualifier == platform.VersionLatest {
		writeError(w, &apiError{http.StatusBadRequest, codeInvalidParameter, "$LATEST version cannot be deleted without deleting the function.", ""})
		return
	}
	s.controlMu.Lock()
	defer s.controlMu.Unlock()
	if err := s.p.DeleteFunction(ref.name); err != nil {
		writeError(w, notFound(ref.arn))
		return
	}
	s.setEventConfig(ref.name, eventConfig{}, false)
	if s.created[ref.name] {
		delete(s.created, ref.name)
		if err := s.store.Delete(ref.name); err != nil {
			writeError(w, &apiError{http.StatusInternalServerError, codeService, err.Error(), ""})
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// save stores a created function's current configuration (with the
// variables the server adds left out); other functions are not stored.
// The caller holds controlMu.
func (s *Server) save(name string) error {
	if !s.created[name] {
		return nil
	}
	cfg, ok := s.p.Function(name)
	if !ok {
		return nil
	}
	rec := codestore.Record{
		Name: cfg.Name, Runtime: cfg.Runtime, Handler: cfg.Handler, MemoryMB: cfg.MemoryMB,
		TimeoutS: int(cfg.Timeout / time.Second), Architecture: cfg.Architecture, Description: cfg.Description,
		CodeDir: cfg.CodeDir, CodeSize: cfg.CodeSize, CodeFiles: cfg.CodeFiles, CodeSHA256: cfg.CodeSHA256,
		Environment: map[string]string{},
	}
	if !s.store.Owns(cfg.CodeDir) {
		rec.CodeDir, rec.LocalDir = "", cfg.CodeDir
	}
	added := s.withExtraEnv(nil)
	for k, v := range cfg.Environment {
		if x, ok := added[k]; !ok || x != v {
			rec.Environment[k] = v
		}
	}
	if n, ok := s.p.ReservedConcurrency(name); ok {
		rec.Reserved = &n
	}
	if ec, ok := s.eventCfg[name]; ok {
		rec.Async, _ = json.Marshal(ec)
	}
	return s.store.Save(rec)
}

// saved saves name's record, or answers the request with a ServiceException.
func (s *Server) saved(w http.ResponseWriter, name string) bool {
	if err := s.save(name); err != nil {
		writeError(w, &apiError{http.StatusInternalServerError, codeService, err.Error(), ""})
		return false
	}
	return true
}

// Restore puts the functions of the store (serve --state-dir) back on the
// platform. A function whose name is taken (by the template) or whose
// runtime cannot start is skipped and reported; the others are restored.
func (s *Server) Restore() ([]string, error) {
	if s.store == nil {
		return nil, nil
	}
	recs, err := s.store.Load()
	errs := []error{err}
	var names []string
	s.controlMu.Lock()
	defer s.controlMu.Unlock()
	for _, rec := range recs {
		if _, taken := s.p.Function(rec.Name); taken {
			errs = append(errs, fmt.Errorf("stored function %s not restored: the template has a function of that name", rec.Name))
			continue
		}
		cfg := platform.FunctionConfig{
			Name: rec.Name, Runtime: rec.Runtime, Handler: rec.Handler, MemoryMB: rec.MemoryMB,
			Timeout: time.Duration(rec.TimeoutS) * time.Second, Architecture: rec.Architecture, Description: rec.Description,
			CodeDir: rec.CodeDir, CodeSize: rec.CodeSize, CodeFiles: rec.CodeFiles, CodeSHA256: rec.CodeSHA256,
			Environment: s.withExtraEnv(rec.Environment),
		}
		if rec.LocalDir != "" {
			cfg.CodeDir = rec.LocalDir
		}
		if aerr := s.launcher(s.asyncCtx, &cfg); aerr != nil {
			errs = append(errs, fmt.Errorf("stored function %s not restored: %s", rec.Name, aerr.message))
			continue
		}
		if err := s.p.PutFunction(cfg); err != nil {
			errs = append(errs, fmt.Errorf("stored function %s not restored: %w", rec.Name, err))
			continue
		}
		s.created[rec.Name] = true
		if rec.Reserved != nil {
			if err := s.p.SetReservedConcurrency(rec.Name, *rec.Reserved); err != nil {
				errs = append(errs, fmt.Errorf("stored function %s: reserved concurrency %d: %w", rec.Name, *rec.Reserved, err))
			}
		}
		if len(rec.Async) > 0 {
			var ec eventConfig
			if json.Unmarshal(rec.Async, &ec) == nil {
				s.setEventConfig(rec.Name, ec, true)
			}
		}
		names = append(names, rec.Name)
	}
	return names, errors.Join(errs...)
}

// reservedInput is PutFunctionConcurrency's body.
type reservedInput struct {
	ReservedConcurrentExecutions *int64 `json:"ReservedConcurrentExecutions"`
}

func (s *Server) putConcurrency(w http.ResponseWriter, r *http.Request) {
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	var in reservedInput
	if aerr := readJSON(r, 1<<20, "PutFunctionConcurrency", &in); aerr != nil {
		writeError(w, aerr)
		return
	}
	switch {
	case in.ReservedConcurrentExecutions == nil:
		writeError(w, nullError("reservedConcurrentExecutions"))
		return
	case *in.ReservedConcurrentExecutions < 0:
		writeError(w, validationError("reservedConcurrentExecutions", int(*in.ReservedConcurrentExecutions), "greater than or equal to 0"))
		return
	}
	s.controlMu.Lock()
	defer s.controlMu.Unlock()
	n := *in.ReservedConcurrentExecutions
	switch err := s.p.SetReservedConcurrency(ref.name, n); {
	case errors.Is(err, platform.ErrFunctionNotFound):
		writeError(w, notFound(ref.arn))
		return
	case errors.Is(err, platform.ErrUnreservedTooLow):
		writeError(w, &apiError{http.StatusBadRequest, codeInvalidParameter, fmt.Sprintf(
			"Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", s.p.MinUnreserved()), ""})
		return
	}
	if !s.saved(w, ref.name) {
		return
	}
	b, _ := json.Marshal(map[string]int64{"ReservedConcurrentExecutions": n})
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) getConcurrency(w http.ResponseWriter, r *http.Request) {
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	out := map[string]int64{}
	if n, ok := s.p.ReservedConcurrency(ref.name); ok {
		out["ReservedConcurrentExecutions"] = n
	}
	b, _ := json.Marshal(out)
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) deleteConcurrency(w http.ResponseWriter, r *http.Request) {
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	s.controlMu.Lock()
	defer s.controlMu.Unlock()
	if err := s.p.SetReservedConcurrency(ref.name, -1); err != nil {
		writeError(w, notFound(ref.arn))
		return
	}
	if !s.saved(w, ref.name) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// accountSettings serves GetAccountSettings with the local limits.
func (s *Server) accountSettings(w http.ResponseWriter, r *http.Request) {
	fns := s.p.Functions()
	var total, reserved int64
	for _, f := range fns {
		total += f.CodeSize
		if n, ok := s.p.ReservedConcurrency(f.Name); ok {
			reserved += n
		}
	}
	b, _ := json.Marshal(map[string]any{
		"AccountLimit": map[string]int64{
			"TotalCodeSize": 80530636800, "CodeSizeUnzipped": codezip.MaxUnzipped, "CodeSizeZipped": codezip.MaxZipped,
			"ConcurrentExecutions": s.p.ConcurrencyLimit(), "UnreservedConcurrentExecutions": s.p.ConcurrencyLimit() - reserved,
		},
		"AccountUsage": map[string]int64{"TotalCodeSize": total, "FunctionCount": int64(len(fns))},
	})
	writeJSON(w, http.StatusOK, b)
}
