package runtimeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is the Runtime API of one environment. It serves one runtime process
// at a time; Reset prepares it for the next one.
type Server struct {
	events chan Event
	wake   chan struct{} // a token: the current invoke may be ready for a waiting /next
	closed chan struct{} // closed by Close: waiting /next calls return
	once   sync.Once

	mu      sync.Mutex
	gen     uint64
	state   state
	current *Invocation
}

var _ http.Handler = (*Server)(nil)

// NewServer returns a Server expecting a freshly started runtime.
func NewServer() *Server {
	return &Server{
		// A runtime produces at most three events per invoke and the platform
		// reads them while the invoke runs, so sends never wait in practice.
		events: make(chan Event, 8),
		wake:   make(chan struct{}, 1),
		closed: make(chan struct{}),
	}
}

// Close releases every /next that is waiting; they answer 500, which tells a
// runtime to exit. Call it before closing the HTTP server, whose Close would
// otherwise wait for the long polls.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closed) })
}

// Events delivers what the runtime did, in order.
func (s *Server) Events() <-chan Event { return s.events }

// Reset forgets the current invoke and expects a new runtime process, which
// must call /next (or /init/error) first. It returns the new generation;
// events of older generations belong to a dead process.
func (s *Server) Reset() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.state = stateStarted
	s.current = nil
	return s.gen
}

// Invoke makes inv the current invoke. The runtime receives it from the /next
// it is waiting in, or from its next /next if it is still initialising.
func (s *Server) Invoke(inv *Invocation) {
	s.mu.Lock()
	s.current = inv
	s.mu.Unlock()
	s.signal()
}

// signal leaves a wake-up token for a waiting /next, unless one is there.
func (s *Server) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// ServeHTTP routes a Runtime API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == pathNext:
		if allow(w, r, http.MethodGet) {
			s.next(w, r)
		}
		return
	case path == pathInitError:
		if allow(w, r, http.MethodPost) {
			s.initError(w, r)
		}
		return
	case strings.HasPrefix(path, pathInvocation):
		id, action, _ := strings.Cut(path[len(pathInvocation):], "/")
		if action == "response" || action == "error" {
			if allow(w, r, http.MethodPost) {
				s.respond(w, r, id, action == "error")
			}
			return
		}
	}
	writeError(w, http.StatusNotFound, "InvalidRequest", "Unknown Runtime API path: "+r.Method+" "+path)
}

func allow(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method {
		return true
	}
	w.Header().Set("Allow", method)
	writeError(w, http.StatusMethodNotAllowed, "InvalidRequest", "Method "+r.Method+" not allowed on "+r.URL.Path+"; use "+method)
	return false
}

// next hands the current invoke to the runtime, waiting for one if needed.
func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	s.mu.Lock()
	gen := s.gen
	var ev *Event
	switch s.state {
	case stateInitError:
		from := s.state
		s.mu.Unlock()
		writeTransitionError(w, from, stateReady)
		return
	case stateStarted:
		s.state = stateReady
		ev = &Event{Kind: EventReady, Gen: gen, At: at}
	case stateRuntimeResponseSent:
		ev = &Event{Kind: EventDone, Gen: gen, RequestID: s.current.RequestID, At: at}
		s.current = nil
		s.state = stateReady
	case stateInvocationResponse, stateInvocationErrorResp:
		from := s.state
		s.mu.Unlock()
		writeTransitionError(w, from, stateReady)
		return
	}
	s.mu.Unlock()
	if ev != nil {
		s.events <- *ev
	}

	for {
		s.mu.Lock()
		if s.gen != gen {
			s.mu.Unlock()
			// The wake-up this /next of a reset runtime took may be meant
			// for the new runtime's: pass it on (found by TestStaleNextPassesWakeUpOn).
			s.signal()
			writeError(w, http.StatusInternalServerError, "InternalServerError", "Internal Server Error")
			return
		}
		if inv := s.current; inv != nil && (s.state == stateReady || s.state == stateRunning) {
			s.state = stateRunning
			s.mu.Unlock()
			writeInvocation(w, inv)
			return
		}
		s.mu.Unlock()
		select {
		case <-s.wake:
		case <-r.Context().Done():
			return
		case <-s.closed:
			writeError(w, http.StatusInternalServerError, "InternalServerError", "Internal Server Error")
			return
		}
	}
}

func writeInvocation(w http.ResponseWriter, inv *Invocation) {
	h := w.Header()
	h[HeaderRequestID] = []string{inv.RequestID}
	h[HeaderDeadlineMS] = []string{strconv.FormatInt(inv.Deadline.UnixMilli(), 10)}
	setIf(h, HeaderFunctionARN, inv.FunctionARN)
	setIf(h, HeaderTraceID, inv.TraceID)
	setIf(h, HeaderClientContext, inv.ClientContext)
	setIf(h, HeaderCognitoIdentity, inv.CognitoIdentity)
	setIf(h, HeaderTenantID, inv.TenantID)
	ct := inv.ContentType
	if ct == "" {
		ct = "application/json"
	}
	h["Content-Type"] = []string{ct}
	h["Content-Length"] = []string{strconv.Itoa(len(inv.Payload))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.Payload)
}

// setIf sets a header only when it has a value, as Lambda does.
func setIf(h http.Header, key, value string) {
	if value != "" {
		h[key] = []string{value}
	}
}

// respond takes /response or /error for invoke id.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, id string, isError bool) {
	target := stateInvocationResponse
	if isError {
		target = stateInvocationErrorResp
	}
	s.mu.Lock()
	if s.current == nil || s.current.RequestID != id || id == "" {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	gen, ok := s.enter(w, stateRunning, target)
	if !ok {
		return
	}
	ev, status, body := takeResponse(r, id, isError)
	ev.Gen = gen
	s.mu.Lock()
	if s.gen != gen || s.state != target {
		s.mu.Unlock()
		writeError(w, http.StatusInternalServerError, "InternalServerError", "Internal Server Error")
		return
	}
	s.state = stateRuntimeResponseSent
	s.mu.Unlock()
	s.events <- ev
	writeJSON(w, status, body)
}

// enter moves the runtime from state from to state to, or answers 403 if it
// is elsewhere. It is called with s.mu held and releases it.
func (s *Server) enter(w http.ResponseWriter, from, to state) (gen uint64, ok bool) {
	if s.state != from {
		at := s.state
		s.mu.Unlock()
		writeTransitionError(w, at, to)
		return 0, false
	}
	s.state = to
	gen = s.gen
	s.mu.Unlock()
	return gen, true
}

var statusOK = []byte(`{"status":"OK"}`)

// takeResponse reads a /response or /error body and decides what the invoke's
// outcome is and what the runtime hears back.
func takeResponse(r *http.Request, id string, isError bool) (ev Event, status int, reply []byte) {
	payload, size, err := readBody(r)
	ev = Event{RequestID: id, At: time.Now(), ContentType: r.Header.Get("Content-Type")}
	switch {
	case err != nil:
		ev.Kind, ev.ErrorType = EventError, ErrorTypeTruncatedResponse
		ev.Body = errorJSON(ErrorTypeTruncatedResponse, "RequestId: "+id+" Error: runtime sent a truncated response: "+err.Error())
		return ev, http.StatusBadRequest, errorJSON("TruncatedHTTPRequest", "Received a truncated HTTP request: "+err.Error())
	case size > MaxPayload:
		msg := fmt.Sprintf("Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes).", size, MaxPayload)
		ev.Kind, ev.ErrorType = EventError, ErrorTypeResponseTooLarge
		ev.Body = errorJSON(ErrorTypeResponseTooLarge, msg)
		return ev, http.StatusRequestEntityTooLarge,
			errorJSON("RequestEntityTooLarge", fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", MaxPayload))
	case isError:
		ev.Kind, ev.ErrorType, ev.Body = EventError, NormalizeErrorType(r.Header.Get(HeaderErrorType)), payload
		if ev.ContentType == contentTypeErrorCause {
			ev.Body, ev.ContentType = stripErrorCause(payload)
		} else if len(payload) == 0 {
			ev.Body = errorJSON(ev.ErrorType, "")
		}
		return ev, http.StatusAccepted, statusOK
	}
	if mode := r.Header.Get(HeaderResponseMode); mode != "" && mode != responseModeStreaming {
		ev.Kind, ev.ErrorType = EventError, ErrorTypeInvalidResponseMode
		ev.Body = errorJSON(ErrorTypeInvalidResponseMode, "Invalid response mode header: "+mode)
		return ev, http.StatusBadRequest, errorJSON("InvalidFunctionResponseMode", "Invalid function response mode: "+mode)
	}
	// A runtime that fails while streaming its body reports it in trailers.
	if t := r.Trailer.Get(HeaderErrorType); t != "" {
		ev.Kind, ev.ErrorType = EventError, NormalizeErrorType(t)
		ev.Body, _ = base64.StdEncoding.DecodeString(r.Trailer.Get(HeaderErrorBody))
		if len(ev.Body) == 0 {
			ev.Body = errorJSON(ev.ErrorType, "")
		}
		return ev, http.StatusAccepted, statusOK
	}
	ev.Kind, ev.Body = EventResponse, payload
	return ev, http.StatusAccepted, statusOK
}

// initError takes /init/error, allowed only before the first /next.
func (s *Server) initError(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	gen, ok := s.enter(w, stateStarted, stateInitError)
	if !ok {
		return
	}
	payload, size, err := readBody(r)
	errType := NormalizeErrorType(r.Header.Get(HeaderErrorType))
	if err != nil || size > MaxPayload || len(payload) == 0 {
		payload = errorJSON(errType, "")
	}
	s.events <- Event{Kind: EventInitError, Gen: gen, ErrorType: errType, Body: payload,
		ContentType: r.Header.Get("Content-Type"), At: time.Now()}
	writeJSON(w, http.StatusAccepted, statusOK)
}

// readBody reads up to MaxPayload bytes; for a larger body it returns nil and
// the full size, read to the end so the connection stays usable.
func readBody(r *http.Request) ([]byte, int64, error) {
	var buf bytes.Buffer
	if n := r.ContentLength; n > 0 && n <= MaxPayload {
		buf.Grow(int(n))
	}
	n, err := buf.ReadFrom(io.LimitReader(r.Body, MaxPayload+1))
	if err != nil {
		return nil, n, err
	}
	if n > MaxPayload {
		rest, err := io.Copy(io.Discard, r.Body)
		return nil, n + rest, err
	}
	return buf.Bytes(), n, nil
}

type errorBody struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// errorJSON is Lambda's error object, {"errorMessage":…,"errorType":…}.
func errorJSON(errType, msg string) []byte {
	b, _ := json.Marshal(errorBody{ErrorMessage: msg, ErrorType: errType})
	return b
}

func writeError(w http.ResponseWriter, status int, errType, msg string) {
	writeJSON(w, status, errorJSON(errType, msg))
}

func writeTransitionError(w http.ResponseWriter, from, to state) {
	writeError(w, http.StatusForbidden, "InvalidStateTransition",
		fmt.Sprintf("State transition from %s to %s failed for runtime. Error: State transition is not allowed", from, to))
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// ErrorJSON returns Lambda's error object for an error the platform detects
// itself (a timeout, a crash), as the invoke caller receives it.
func ErrorJSON(errType, msg string) []byte { return errorJSON(errType, msg) }
