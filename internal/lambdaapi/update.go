package lambdaapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// updateConfigurationInput is UpdateFunctionConfiguration's request body;
// absent fields are left as they are.
type updateConfigurationInput struct {
	MemorySize  *int             `json:"MemorySize"`
	Timeout     *int             `json:"Timeout"`
	Description *string          `json:"Description"`
	Handler     *string          `json:"Handler"`
	Runtime     *string          `json:"Runtime"`
	Environment *environmentVars `json:"Environment"`
	RevisionID  string           `json:"RevisionId"`
}

// updateFunctionConfiguration serves PUT /2015-03-31/functions/{name}/configuration.
// Locally an update completes at once: the response says InProgress, as
// Lambda's does, and every later read says Successful, so the SDK waiters
// (FunctionUpdatedV2) and `aws lambda wait function-updated` work.
func (s *Server) updateFunctionConfiguration(w http.ResponseWriter, r *http.Request) {
	ref, aerr := resolve(s.p, r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var in updateConfigurationInput
	if err == nil {
		err = json.Unmarshal(body, &in)
	}
	if err != nil {
		writeError(w, &apiError{http.StatusBadRequest, codeInvalidRequest, "Could not parse request body into json: " + err.Error(), ""})
		return
	}
	if aerr := in.validate(); aerr != nil {
		writeError(w, aerr)
		return
	}
	cfg, err := s.p.UpdateFunction(ref.name, in.RevisionID, func(c *platform.FunctionConfig) {
		if in.MemorySize != nil {
			c.MemoryMB = *in.MemorySize
		}
		if in.Timeout != nil {
			c.Timeout = time.Duration(*in.Timeout) * time.Second
		}
		if in.Description != nil {
			c.Description = *in.Description
		}
		if in.Handler != nil {
			c.Handler = *in.Handler
		}
		if in.Environment != nil {
			c.Environment = in.Environment.Variables
		}
	})
	switch {
	case errors.Is(err, platform.ErrFunctionNotFound):
		writeError(w, notFound(ref.arn))
		return
	case errors.Is(err, platform.ErrRevisionMismatch):
		writeError(w, &apiError{http.StatusPreconditionFailed, codePreconditionFailed,
			"The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id", ""})
		return
	case err != nil:
		writeError(w, &apiError{http.StatusBadRequest, codeInvalidParameter, err.Error(), ""})
		return
	}
	fc := s.configuration(cfg)
	fc.LastUpdateStatus = "InProgress"
	fc.LastUpdateStatusReason = "The function is being created."
	fc.LastUpdateStatusReasonCode = "Creating"
	b, _ := json.Marshal(fc)
	writeJSON(w, http.StatusOK, b)
}

// validate applies the API model's constraints, worded as Lambda words them.
func (in *updateConfigurationInput) validate() *apiError {
	bound := func(field string, v, lo, hi int) *apiError {
		switch {
		case v < lo:
			return validationError(field, v, fmt.Sprintf("greater than or equal to %d", lo))
		case v > hi:
			return validationError(field, v, fmt.Sprintf("less than or equal to %d", hi))
		}
		return nil
	}
	if in.MemorySize != nil {
		if e := bound("memorySize", *in.MemorySize, platform.MinMemoryMB, platform.MaxMemoryMB); e != nil {
			return e
		}
	}
	if in.Timeout != nil {
		if e := bound("timeout", *in.Timeout, int(platform.MinTimeout/time.Second), int(platform.MaxTimeout/time.Second)); e != nil {
			return e
		}
	}
	if in.Environment != nil {
		if _, err := platform.ValidateEnvironment(in.Environment.Variables); err != nil {
			return &apiError{http.StatusBadRequest, codeInvalidParameter, err.Error(), ""}
		}
	}
	if in.Runtime != nil && *in.Runtime != "provided.al2023" && *in.Runtime != "provided.al2" && *in.Runtime != "provided" {
		return &apiError{http.StatusBadRequest, codeInvalidParameter,
			"The runtime parameter of " + *in.Runtime + " is not supported by coldstart yet; use provided.al2023", ""}
	}
	return nil
}

func validationError(field string, v int, constraint string) *apiError {
	return &apiError{http.StatusBadRequest, codeValidation, fmt.Sprintf(
		"1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value %s", v, field, constraint), ""}
}
