package runtimeapi

// state is the runtime's lifecycle state, named as RIE names them so error
// messages match Lambda's word for word.
type state int

const (
	stateStarted             state = iota // process started, no /next yet
	stateInitError                        // posted /init/error
	stateReady                            // waiting in /next with no invoke
	stateRunning                          // an invoke has been handed out
	stateInvocationResponse               // reading a /response body
	stateInvocationErrorResp              // reading an /error body
	stateRuntimeResponseSent              // response or error taken; invoke ends at the next /next
)

func (s state) String() string {
	switch s {
	case stateStarted:
		return "Started"
	case stateInitError:
		return "InitError"
	case stateReady:
		return "Ready"
	case stateRunning:
		return "Running"
	case stateInvocationResponse:
		return "InvocationResponse"
	case stateInvocationErrorResp:
		return "InvocationErrorResponse"
	case stateRuntimeResponseSent:
		return "RuntimeResponseSentState"
	}
	return "Unknown"
}
