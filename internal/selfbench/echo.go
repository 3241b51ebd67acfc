package selfbench

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
)

// ServeEcho is the other process of the loopback floor: an HTTP server that
// answers every request with its body. It prints its address on stdout and
// exits when stdin closes.
func ServeEcho(stdin io.Reader, stdout io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header()["Content-Type"] = []string{"application/json"}
		_, _ = w.Write(b)
	})}
	go func() { _ = srv.Serve(ln) }()
	fmt.Fprintln(stdout, ln.Addr().String())
	_, _ = io.Copy(io.Discard, stdin)
	return srv.Close()
}

// echoProcess is a running ServeEcho child.
type echoProcess struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	url   string
}

func startEcho(self string, args ...string) (*echoProcess, error) {
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("echo server: %w", err)
	}
	return &echoProcess{cmd: cmd, stdin: stdin, url: "http://" + strings.TrimSpace(line) + "/"}, nil
}

func (e *echoProcess) stop() {
	_ = e.stdin.Close()
	_ = e.cmd.Wait()
}
