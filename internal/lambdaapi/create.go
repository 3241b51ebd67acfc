package lambdaapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/coldstartlab/coldstart/internal/codestore"
	"github.com/coldstartlab/coldstart/internal/codezip"
	"github.com/coldstartlab/coldstart/internal/platform"
	"github.com/coldstartlab/coldstart/internal/runtimes"
)

// localCodeBuckets are the S3Bucket values that name a local directory in
// S3Key instead of an S3 object: LocalStack's convention ("hot-reload",
// formerly "__local__"), so scripts written for it work here.
var localCodeBuckets = []string{"hot-reload", "__local__"}

var roleRE = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)

// functionCode is the Code of CreateFunction and the body of
// UpdateFunctionCode: a zip (base64 in the JSON) or an S3 object.
type functionCode struct {
	ZipFile         []byte `json:"ZipFile"`
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
	ImageURI        string `json:"ImageUri"`
}

// configFields are the settings CreateFunction and
// UpdateFunctionConfiguration share; absent fields are nil.
type configFields struct {
	MemorySize  *int             `json:"MemorySize"`
	Timeout     *int             `json:"Timeout"`
	Description *string          `json:"Description"`
	Handler     *string          `json:"Handler"`
	Runtime     *string          `json:"Runtime"`
	Environment *environmentVars `json:"Environment"`
}

type createFunctionInput struct {
	configFields
	FunctionName  string        `json:"FunctionName"`
	Role          string        `json:"Role"`
	Code          *functionCode `json:"Code"`
	Publish       bool          `json:"Publish"`
	Architectures []string      `json:"Architectures"`
	PackageType   string        `json:"PackageType"`
}

type updateCodeInput struct {
	functionCode
	Publish       bool     `json:"Publish"`
	DryRun        bool     `json:"DryRun"`
	RevisionID    string   `json:"RevisionId"`
	Architectures []string `json:"Architectures"`
}

// codeRequestLimit is the largest CreateFunction/UpdateFunctionCode body
// Lambda reads: the base64 of the largest zip it takes and the JSON around it.
const codeRequestLimit = codezip.MaxRequest

func requestTooLarge(limit int64, op string) *apiError {
	return &apiError{http.StatusRequestEntityTooLarge, codeRequestEntityTooLarge,
		fmt.Sprintf("Request must be smaller than %d bytes for the %s operation", limit, op), ""}
}

// readJSON reads a control-plane request body of at most limit bytes into v.
func readJSON(r *http.Request, limit int64, op string, v any) *apiError {
	if r.ContentLength > limit {
		return requestTooLarge(limit, op)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err == nil && int64(len(body)) > limit {
		return requestTooLarge(limit, op)
	}
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		return &apiError{http.StatusBadRequest, codeInvalidRequest, "Could not parse request body into json: " + err.Error(), ""}
	}
	return nil
}

// validator is a request body that checks itself against the API model.
type validator interface{ validate(*Server) *apiError }

// readValid reads and validates a request body, or answers with the error.
func (s *Server) readValid(w http.ResponseWriter, r *http.Request, limit int64, op string, in validator) bool {
	aerr := readJSON(r, limit, op, in)
	if aerr == nil {
		aerr = in.validate(s)
	}
	if aerr != nil {
		writeError(w, aerr)
		return false
	}
	return true
}

// createFunction serves CreateFunction. The function is ready when the call
// returns; the response still says State Pending, as Lambda's does, and
// every later read says Active, so FunctionActiveV2 and `aws lambda wait
// function-active-v2` work unchanged.
func (s *Server) createFunction(w http.ResponseWriter, r *http.Request) {
	var in createFunctionInput
	if !s.readValid(w, r, codeRequestLimit, "CreateFunction", &in) {
		return
	}
	s.controlMu.Lock()
	defer s.controlMu.Unlock()
	if _, exists := s.p.Function(in.FunctionName); exists {
		writeError(w, &apiError{http.StatusConflict, codeResourceConflict, "Function already exist: " + in.FunctionName, ""})
		return
	}
	cfg := platform.FunctionConfig{
		Name: in.FunctionName, MemoryMB: platform.DefaultMemory, Timeout: platform.DefaultTimeout,
		Runtime: deref(in.Runtime), Handler: deref(in.Handler), Description: deref(in.Description),
		Architecture: "x86_64", Environment: map[string]string{},
	}
	if len(in.Architectures) == 1 {
		cfg.Architecture = in.Architectures[0]
	}
	in.apply(&cfg)
	code, aerr := s.unpack(in.FunctionName, in.Code, "CreateFunction")
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	code.applyTo(&cfg)
	if aerr := s.launcher(r.Context(), &cfg); aerr != nil {
		s.store.Discard(code.dir)
		writeError(w, aerr)
		return
	}
	run := cfg
	run.Environment = s.withExtraEnv(cfg.Environment)
	if err := s.p.PutFunction(run); err != nil {
		s.store.Discard(code.dir)
		writeError(w, &apiError{http.StatusBadRequest, codeInvalidParameter, err.Error(), ""})
		return
	}
	s.created[cfg.Name] = true
	if err := s.save(cfg.Name); err != nil {
		writeError(w, &apiError{http.StatusInternalServerError, codeService, err.Error(), ""})
		return
	}
	stored, _ := s.p.Function(cfg.Name)
	fc := s.configuration(stored)
	fc.State, fc.StateReason, fc.StateReasonCode = "Pending", "The function is being created.", "Creating"
	fc.LastUpdateStatus = ""
	b, _ := json.Marshal(fc)
	writeJSON(w, http.StatusCreated, b)
}

func (in *createFunctionInput) validate(s *Server) *apiError {
	switch {
	case in.FunctionName == "":
		return nullError("functionName")
	case !functionNameRE.MatchString(in.FunctionName):
		return &apiError{http.StatusBadRequest, codeValidation, "1 validation error detected: Value '" + in.FunctionName +
			"' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?", ""}
	case in.Role == "":
		return nullError("role")
	case !roleRE.MatchString(in.Role):
		return &apiError{http.StatusBadRequest, codeValidation, "1 validation error detected: Value '" + in.Role +
			"' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+", ""}
	case in.Code == nil:
		return nullError("code")
	case in.PackageType == "Image" || in.Code.ImageURI != "":
		return &apiError{http.StatusBadRequest, codeInvalidParameter, "coldstart runs Zip packages only; container images (PackageType Image) are not supported", ""}
	case in.PackageType != "" && in.PackageType != "Zip":
		return enumError("packageType", in.PackageType, "[Zip, Image]")
	case in.Runtime == nil:
		return &apiError{http.StatusBadRequest, codeInvalidParameter, "Runtime and Handler are mandatory parameters for functions created with deployment packages.", ""}
	}
	if aerr := checkArchitectures(in.Architectures); aerr != nil {
		return aerr
	}
	if _, managed := runtimes.Lookup(*in.Runtime); managed && deref(in.Handler) == "" {
		return &apiError{http.StatusBadRequest, codeInvalidParameter, "Runtime and Handler are mandatory parameters for functions created with deployment packages.", ""}
	}
	return in.configFields.validate(s)
}

func checkArchitectures(a []string) *apiError {
	switch {
	case a == nil:
		return nil
	case len(a) != 1:
		return &apiError{http.StatusBadRequest, codeValidation, fmt.Sprintf(
			"1 validation error detected: Value '%v' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1, Member must have length greater than or equal to 1", a), ""}
	case a[0] != "x86_64" && a[0] != "arm64":
		return enumError("architectures", a[0], "[x86_64, arm64]")
	}
	return nil
}

// validate applies the API model's constraints, worded as Lambda words them.
func (in *configFields) validate(s *Server) *apiError {
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
	if in.Runtime != nil {
		rt := *in.Runtime
		_, managed := runtimes.Lookup(rt)
		switch {
		case isProvided(rt):
		case managed && s.prepare != nil:
		case managed:
			return &apiError{http.StatusBadRequest, codeInvalidParameter, "The runtime parameter of " + rt + " is not available on this server; use provided.al2023", ""}
		default:
			return &apiError{http.StatusBadRequest, codeInvalidParameter, "The runtime parameter of " + rt + " is not supported: " + runtimes.Unsupported(rt), ""}
		}
	}
	return nil
}

// apply copies the fields that are set onto cfg.
func (in *configFields) apply(c *platform.FunctionConfig) {
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
	if in.Runtime != nil {
		c.Runtime = *in.Runtime
	}
	if in.Environment != nil {
		c.Environment = in.Environment.Variables
	}
}

func isProvided(runtime string) bool {
	return runtime == "provided" || runtime == "provided.al2" || runtime == "provided.al2023"
}

func nullError(field string) *apiError {
	return &apiError{http.StatusBadRequest, codeValidation,
		"1 validation error detected: Value null at '" + field + "' failed to satisfy constraint: Member must not be null", ""}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// unpackedCode is a function's code, ready to run.
type unpackedCode struct {
	dir   string
	local string // the directory named by a local S3Bucket; else dir is the store's
	info  codestore.DirInfo
	zip   int64 // CodeSize: the zip's bytes, or the directory's for local code
}

func (c unpackedCode) applyTo(cfg *platform.FunctionConfig) {
	cfg.CodeDir, cfg.CodeSize, cfg.CodeFiles, cfg.CodeSHA256 = c.dir, c.zip, c.info.Files, c.info.SHA256
}

// unpack puts the uploaded code in a new directory of the store, or points
// at the local directory a hot-reload bucket names.
func (s *Server) unpack(name string, code *functionCode, op string) (unpackedCode, *apiError) {
	if aerr := s.openStore(); aerr != nil {
		return unpackedCode{}, aerr
	}
	switch {
	case code.ImageURI != "":
		return unpackedCode{}, &apiError{http.StatusBadRequest, codeInvalidParameter, "coldstart runs Zip packages only; container images (ImageUri) are not supported", ""}
	case len(code.ZipFile) > 0 && code.S3Bucket != "":
		return unpackedCode{}, &apiError{http.StatusBadRequest, codeInvalidParameter, "Please provide a source for function code (ZipFile or S3Bucket and S3Key), not both.", ""}
	case len(code.ZipFile) > 0:
		dir, err := s.store.NewCodeDir(name)
		if err != nil {
			return unpackedCode{}, &apiError{http.StatusInternalServerError, codeService, err.Error(), ""}
		}
		info, err := codezip.Extract(code.ZipFile, dir)
		if err != nil {
			s.store.Discard(dir)
			return unpackedCode{}, zipError(err)
		}
		return unpackedCode{dir: dir, zip: info.CodeSize,
			info: codestore.DirInfo{SHA256: info.CodeSHA256, Size: info.Unzipped, Files: info.Files}}, nil
	case slices.Contains(localCodeBuckets, code.S3Bucket):
		dir := code.S3Key
		if !filepath.IsAbs(dir) {
			return unpackedCode{}, &apiError{http.StatusBadRequest, codeInvalidParameter,
				"S3Key must be an absolute directory path when S3Bucket is " + code.S3Bucket + " (local code)", ""}
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return unpackedCode{}, &apiError{http.StatusBadRequest, codeInvalidParameter,
				"S3Key " + dir + " is not a directory on this machine (S3Bucket " + code.S3Bucket + " means local code)", ""}
		}
		info, err := codestore.HashDir(dir)
		if err != nil {
			return unpackedCode{}, &apiError{http.StatusBadRequest, codeInvalidParameter, "read " + dir + ": " + err.Error(), ""}
		}
		return unpackedCode{dir: dir, local: dir, info: info, zip: info.Size}, nil
	case code.S3Bucket != "" || code.S3Key != "":
		return unpackedCode{}, &apiError{http.StatusBadRequest, codeInvalidParameter,
			"coldstart has no S3: upload the code as ZipFile, or use S3Bucket " + strings.Join(localCodeBuckets, " or ") + " with S3Key = a local directory", ""}
	default:
		return unpackedCode{}, &apiError{http.StatusBadRequest, codeInvalidParameter, "Please provide a source for function code.", ""}
	}
}

// zipError is Lambda's answer to a rejected package.
func zipError(err error) *apiError {
	var zerr *codezip.Error
	if errors.As(err, &zerr) {
		return &apiError{zerr.Status, zerr.Code, zerr.Message, ""}
	}
	return &apiError{http.StatusInternalServerError, codeService, err.Error(), ""}
}

// launcher sets how cfg's runtime process starts: the package's bootstrap
// for provided runtimes (a missing one fails at init with
// Runtime.InvalidEntrypoint, as on Lambda), else the managed runtime.
func (s *Server) launcher(ctx context.Context, cfg *platform.FunctionConfig) *apiError {
	if isProvided(cfg.Runtime) {
		cfg.Managed = nil
		cfg.Bootstrap = filepath.Join(cfg.CodeDir, "bootstrap")
		return nil
	}
	if s.prepare == nil {
		return &apiError{http.StatusBadRequest, codeInvalidParameter, "The runtime parameter of " + cfg.Runtime + " is not available on this server; use provided.al2023", ""}
	}
	m, err := s.prepare(ctx, cfg.Runtime, cfg.CodeDir)
	if err != nil {
		return &apiError{http.StatusBadRequest, codeInvalidParameter, err.Error(), ""}
	}
	cfg.Managed, cfg.Bootstrap = m, ""
	return nil
}

// openStore opens a temporary store the first time one is needed.
func (s *Server) openStore() *apiError {
	if s.store != nil {
		return nil
	}
	st, err := codestore.Open("")
	if err != nil {
		return &apiError{http.StatusInternalServerError, codeService, err.Error(), ""}
	}
	s.store, s.ownStore = st, true
	return nil
}

// withExtraEnv is what an environment set through the API runs with.
func (s *Server) withExtraEnv(env map[string]string) map[string]string {
	out := maps.Clone(env)
	if out == nil {
		out = map[string]string{}
	}
	if s.extraEnv != nil {
		maps.Copy(out, s.extraEnv(env))
	}
	return out
}
