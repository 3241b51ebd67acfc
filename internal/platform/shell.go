package platform

import (
	"fmt"
	"net"
	"net/http"
	"sync/atomic"

	"github.com/coldstartlab/coldstart/internal/runtimeapi"
)

// shell is what an environment needs besides its sandbox: its Runtime API
// server, listening, and its log pipe, with its reader running. Shells are
// made ahead of time like sandboxes (Platform.shells): making one starts two
// goroutines and, on an idle machine, wakes the other CPU to run them, which
// at a cold start would sit between the invoke and the exec.
type shell struct {
	api  *runtimeapi.Server
	srv  *http.Server
	addr string // host:port of the Runtime API
	logs *logPipe
	// owner receives the pipe's lines. It is set before any runtime can
	// write to the pipe; atomic because nothing else orders the two.
	owner atomic.Pointer[environment]
}

func newShell() (*shell, error) {
	sh := &shell{api: runtimeapi.NewServer()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for runtime API: %w", err)
	}
	sh.addr = ln.Addr().String()
	// No timeouts: /next is a long poll, and a frozen runtime holds its
	// connection open for as long as the environment lives.
	sh.srv = &http.Server{Handler: sh.api, ErrorLog: discardLogger}
	go func() { _ = sh.srv.Serve(ln) }()
	sh.logs, err = newLogPipe(func(text string) {
		if e := sh.owner.Load(); e != nil {
			e.functionLine(text)
		}
	})
	if err != nil {
		sh.api.Close()
		_ = sh.srv.Close()
		return nil, fmt.Errorf("log pipe: %w", err)
	}
	return sh, nil
}

// close releases the listener, the server and the pipe; waiting /next calls
// are answered first (runtimeapi.Server.Close).
func (sh *shell) close() {
	sh.api.Close()
	_ = sh.srv.Close()
	sh.logs.close()
}
