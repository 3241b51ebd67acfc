package lambdaapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// Lambda's defaults for Event invokes: two retries after a function error,
// and events older than six hours are dropped (lambda-spec.md; Lambda
// developer guide, "Error handling for asynchronous invocation").
const (
	defaultRetries = 2
	defaultMaxAge  = 6 * time.Hour
	minMaxAge      = 60
	maxMaxAge      = 21600
)

// eventConfig is a function's EventInvokeConfig.
type eventConfig struct {
	MaximumRetryAttempts     *int            `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int            `json:"MaximumEventAgeInSeconds,omitempty"`
	DestinationConfig        json.RawMessage `json:"DestinationConfig,omitempty"`
	LastModified             float64         `json:"LastModified"`
}

func (c eventConfig) retries() int {
	if c.MaximumRetryAttempts == nil {
		return defaultRetries
	}
	return *c.MaximumRetryAttempts
}

func (c eventConfig) maxAge() time.Duration {
	if c.MaximumEventAgeInSeconds == nil {
		return defaultMaxAge
	}
	return time.Duration(*c.MaximumEventAgeInSeconds) * time.Second
}

// asyncStats counts what happened to Event invokes, for /health.
type asyncStats struct {
	queued, attempts, retries, throttled, succeeded, dropped atomic.Int64
}

func (a *asyncStats) snapshot() map[string]int64 {
	return map[string]int64{
		"queued": a.queued.Load(), "attempts": a.attempts.Load(), "retries": a.retries.Load(),
		"throttled": a.throttled.Load(), "succeeded": a.succeeded.Load(), "dropped": a.dropped.Load(),
	}
}

// eventConfigOf is a function's Event invoke configuration, if it has one.
func (s *Server) eventConfigOf(name string) (eventConfig, bool) {
	s.eventMu.Lock()
	defer s.eventMu.Unlock()
	cfg, ok := s.eventCfg[name]
	return cfg, ok
}

// setEventConfig sets (ok) or removes (!ok) a function's Event invoke
// configuration. The caller holds controlMu.
func (s *Server) setEventConfig(name string, cfg eventConfig, ok bool) {
	s.eventMu.Lock()
	defer s.eventMu.Unlock()
	if ok {
		s.eventCfg[name] = cfg
	} else {
		delete(s.eventCfg, name)
	}
}

// enqueue runs an Event invoke in the background with Lambda's policy: a
// throttled invoke waits and tries again (backing off) until the event is
// older than the maximum age; a function error is retried up to the
// configured attempts, the first retry after retryDelay (a minute on
// Lambda), the second after twice that. Every attempt keeps the request id,
// as on Lambda. An event that runs out of attempts or age is dropped: there
// are no destinations or dead-letter queues locally.
func (s *Server) enqueue(req platform.Request) {
	s.asyncStats.queued.Add(1)
	s.async.Add(1)
	go func() {
		defer s.async.Done()
		queued := time.Now()
		backoff := 100 * time.Millisecond
		for failures := 0; ; {
			cfg, _ := s.eventConfigOf(req.Function)
			if time.Since(queued) > cfg.maxAge() {
				s.asyncStats.dropped.Add(1)
				return
			}
			s.asyncStats.attempts.Add(1)
			res, err := s.p.Invoke(s.asyncCtx, req)
			var wait time.Duration
			switch {
			case errors.Is(err, platform.ErrTooManyRequests):
				s.asyncStats.throttled.Add(1)
				wait = backoff
				backoff = min(backoff*2, 10*time.Second)
			case err != nil: // deleted, shutting down, or the platform failed
				s.asyncStats.dropped.Add(1)
				return
			case res.FunctionError == "":
				s.asyncStats.succeeded.Add(1)
				return
			default:
				failures++
				if failures > cfg.retries() {
					s.asyncStats.dropped.Add(1)
					return
				}
				s.asyncStats.retries.Add(1)
				wait = s.retryDelay * time.Duration(failures)
			}
			select {
			case <-s.asyncCtx.Done():
				s.asyncStats.dropped.Add(1)
				return
			case <-time.After(wait):
			}
		}
	}()
}

// eventConfigInput is the body of Put/UpdateFunctionEventInvokeConfig.
type eventConfigInput struct {
	MaximumRetryAttempts     *int            `json:"MaximumRetryAttempts"`
	MaximumEventAgeInSeconds *int            `json:"MaximumEventAgeInSeconds"`
	DestinationConfig        json.RawMessage `json:"DestinationConfig"`
}

func (in *eventConfigInput) validate(*Server) *apiError {
	if n := in.MaximumRetryAttempts; n != nil && (*n < 0 || *n > 2) {
		if *n < 0 {
			return validationError("maximumRetryAttempts", *n, "greater than or equal to 0")
		}
		return validationError("maximumRetryAttempts", *n, "less than or equal to 2")
	}
	if n := in.MaximumEventAgeInSeconds; n != nil && (*n < minMaxAge || *n > maxMaxAge) {
		if *n < minMaxAge {
			return validationError("maximumEventAgeInSeconds", *n, fmt.Sprintf("greater than or equal to %d", minMaxAge))
		}
		return validationError("maximumEventAgeInSeconds", *n, fmt.Sprintf("less than or equal to %d", maxMaxAge))
	}
	if len(in.DestinationConfig) > 0 && string(in.DestinationConfig) != "null" && string(in.DestinationConfig) != "{}" {
		return &apiError{http.StatusBadRequest, codeInvalidParameter, "coldstart does not deliver to destinations (OnSuccess/OnFailure) yet", ""}
	}
	return nil
}

// putEventInvokeConfig replaces the configuration; update merges into it.
func (s *Server) putEventInvokeConfig(w http.ResponseWriter, r *http.Request) {
	s.writeEventInvokeConfig(w, r, false)
}

func (s *Server) updateEventInvokeConfig(w http.ResponseWriter, r *http.Request) {
	s.writeEventInvokeConfig(w, r, true)
}

func (s *Server) writeEventInvokeConfig(w http.ResponseWriter, r *http.Request, merge bool) {
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	var in eventConfigInput
	if !s.readValid(w, r, 1<<20, "PutFunctionEventInvokeConfig", &in) {
		return
	}
	s.controlMu.Lock()
	defer s.controlMu.Unlock()
	cfg := eventConfig{}
	if merge {
		cfg = s.eventCfg[ref.name]
	}
	if in.MaximumRetryAttempts != nil || !merge {
		cfg.MaximumRetryAttempts = in.MaximumRetryAttempts
	}
	if in.MaximumEventAgeInSeconds != nil || !merge {
		cfg.MaximumEventAgeInSeconds = in.MaximumEventAgeInSeconds
	}
	cfg.LastModified = float64(time.Now().UnixMilli()) / 1000
	s.setEventConfig(ref.name, cfg, true)
	if !s.saved(w, ref.name) {
		return
	}
	s.writeEventConfig(w, ref, cfg)
}

func (s *Server) getEventInvokeConfig(w http.ResponseWriter, r *http.Request) {
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	cfg, ok := s.eventConfigOf(ref.name)
	if !ok {
		writeError(w, noEventConfig(ref.arn))
		return
	}
	s.writeEventConfig(w, ref, cfg)
}

func (s *Server) deleteEventInvokeConfig(w http.ResponseWriter, r *http.Request) {
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	s.controlMu.Lock()
	defer s.controlMu.Unlock()
	if _, ok := s.eventCfg[ref.name]; !ok {
		writeError(w, noEventConfig(ref.arn))
		return
	}
	s.setEventConfig(ref.name, eventConfig{}, false)
	if !s.saved(w, ref.name) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func noEventConfig(arn string) *apiError {
	return &apiError{http.StatusNotFound, codeResourceNotFound, "The function " + arn + " doesn't have an EventInvokeConfig", ""}
}

func (s *Server) writeEventConfig(w http.ResponseWriter, ref functionRef, cfg eventConfig) {
	arn := s.p.FunctionARN(ref.name) + ":" + platform.VersionLatest
	b, _ := json.Marshal(map[string]any{
		"FunctionArn": arn, "LastModified": cfg.LastModified,
		"MaximumRetryAttempts": cfg.MaximumRetryAttempts, "MaximumEventAgeInSeconds": cfg.MaximumEventAgeInSeconds,
		"DestinationConfig": map[string]any{"OnSuccess": map[string]any{}, "OnFailure": map[string]any{}},
	})
	writeJSON(w, http.StatusOK, b)
}
