package lambdaapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// updateConfigurationInput is UpdateFunctionConfiguration's request body;
// absent fields are left as they are.
type updateConfigurationInput struct {
	configFields
	RevisionID string `json:"RevisionId"`
}

// updateFunctionConfiguration serves PUT /2015-03-31/functions/{name}/configuration.
// Locally an update completes at once: the response says InProgress, as
// Lambda's does, and every later read says Successful, so the SDK waiters
// (FunctionUpdatedV2) and `aws lambda wait function-updated` work.
func (s *Server) updateFunctionConfiguration(w http.ResponseWriter, r *http.Request) {
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	var in updateConfigurationInput
	if !s.readValid(w, r, 1<<20, "UpdateFunctionConfiguration", &in) {
		return
	}
	s.controlMu.Lock()
	defer s.controlMu.Unlock()
	cfg, err := s.p.UpdateFunction(ref.name, in.RevisionID, func(c *platform.FunctionConfig) error {
		runtime := c.Runtime
		in.apply(c)
		if in.Environment != nil {
			c.Environment = s.withExtraEnv(c.Environment)
		}
		if c.Runtime != runtime {
			return errOrNil(s.launcher(r.Context(), c))
		}
		return nil
	})
	if aerr := updateError(err, ref.arn); aerr != nil {
		writeError(w, aerr)
		return
	}
	if !s.saved(w, ref.name) {
		return
	}
	writeUpdated(w, s.configuration(cfg))
}

// updateFunctionCode serves PUT /2015-03-31/functions/{name}/code: new code
// retires every environment, so the next invoke is cold.
func (s *Server) updateFunctionCode(w http.ResponseWriter, r *http.Request) {
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	var in updateCodeInput
	if aerr := readJSON(r, codeRequestLimit, "UpdateFunctionCode", &in); aerr != nil {
		writeError(w, aerr)
		return
	}
	if aerr := checkArchitectures(in.Architectures); aerr != nil {
		writeError(w, aerr)
		return
	}
	s.controlMu.Lock()
	defer s.controlMu.Unlock()
	cur, ok := s.p.Function(ref.name)
	if !ok {
		writeError(w, notFound(ref.arn))
		return
	}
	if in.RevisionID != "" && in.RevisionID != cur.RevisionID {
		writeError(w, updateError(platform.ErrRevisionMismatch, ref.arn))
		return
	}
	code, aerr := s.unpack(ref.name, &in.functionCode, "UpdateFunctionCode")
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if in.DryRun {
		s.store.Discard(code.dir)
		next := cur
		code.applyTo(&next)
		writeUpdated(w, s.configuration(next))
		return
	}
	cfg, err := s.p.UpdateFunction(ref.name, in.RevisionID, func(c *platform.FunctionConfig) error {
		code.applyTo(c)
		if len(in.Architectures) == 1 {
			c.Architecture = in.Architectures[0]
		}
		return errOrNil(s.launcher(r.Context(), c))
	})
	if aerr := updateError(err, ref.arn); aerr != nil {
		s.store.Discard(code.dir)
		writeError(w, aerr)
		return
	}
	if !s.saved(w, ref.name) {
		return
	}
	writeUpdated(w, s.configuration(cfg))
}

// updateError maps UpdateFunction's errors to Lambda's; nil stays nil.
func updateError(err error, arn string) *apiError {
	var aerr *apiError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &aerr):
		return aerr
	case errors.Is(err, platform.ErrFunctionNotFound):
		return notFound(arn)
	case errors.Is(err, platform.ErrRevisionMismatch):
		return &apiError{http.StatusPreconditionFailed, codePreconditionFailed,
			"The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id", ""}
	default:
		return &apiError{http.StatusBadRequest, codeInvalidParameter, err.Error(), ""}
	}
}

// errOrNil keeps a nil *apiError from becoming a non-nil error.
func errOrNil(aerr *apiError) error {
	if aerr == nil {
		return nil
	}
	return aerr
}

// writeUpdated answers an update as Lambda does: in progress.
func writeUpdated(w http.ResponseWriter, fc functionConfiguration) {
	fc.LastUpdateStatus = "InProgress"
	fc.LastUpdateStatusReason = "The function is being created."
	fc.LastUpdateStatusReasonCode = "Creating"
	b, _ := json.Marshal(fc)
	writeJSON(w, http.StatusOK, b)
}

func validationError(field string, v int, constraint string) *apiError {
	return &apiError{http.StatusBadRequest, codeValidation, fmt.Sprintf(
		"1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value %s", v, field, constraint), ""}
}
