package runtimeapi

import "time"

// Invocation is one event handed to the runtime, with the values of the
// headers /next carries.
type Invocation struct {
	RequestID       string
	Deadline        time.Time
	FunctionARN     string
	TraceID         string
	ClientContext   string // JSON, already base64-decoded
	CognitoIdentity string // JSON
	TenantID        string
	ContentType     string // defaults to application/json
	Payload         []byte
}

// EventKind says what the runtime did.
type EventKind int

// Event kinds, in the order a healthy runtime produces them.
const (
	// EventReady: the runtime called /next for the first time; init is done.
	EventReady EventKind = iota + 1
	// EventInitError: the runtime posted /init/error.
	EventInitError
	// EventResponse: the runtime posted the invoke's response.
	EventResponse
	// EventError: the runtime posted an error, or its response was rejected
	// (too large, bad response mode, truncated).
	EventError
	// EventDone: the runtime called /next after responding; the invoke is complete.
	EventDone
)

func (k EventKind) String() string {
	switch k {
	case EventReady:
		return "ready"
	case EventInitError:
		return "init-error"
	case EventResponse:
		return "response"
	case EventError:
		return "error"
	case EventDone:
		return "done"
	}
	return "unknown"
}

// Event is something the runtime did, stamped with when the request arrived
// (Ready, Done) or when its body was complete (the others).
type Event struct {
	Kind        EventKind
	Gen         uint64 // the Reset generation it belongs to; stale events are ignored
	RequestID   string
	Body        []byte
	ContentType string
	ErrorType   string // EventError and EventInitError: the normalised error type
	At          time.Time
}
