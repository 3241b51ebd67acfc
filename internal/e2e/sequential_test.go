package e2e

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

// A client that re-invokes the moment it has its answer must always find the
// environment warm (and within a concurrency limit of 1), even though
// without LogType Tail the answer comes before the runtime has finished the
// invoke.
func TestSequentialInvokesStayWarm(t *testing.T) {
	s := startServe(t, "--concurrency-limit", "1")
	url := s.url + "/2015-03-31/functions/Uppercase/invocations"
	client := &http.Client{}
	for i := range 300 {
		resp, err := client.Post(url, "application/json", bytes.NewReader([]byte(`"x"`)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != `"X"` {
			t.Fatalf("invoke %d: %d %s", i, resp.StatusCode, body)
		}
	}
	if h := s.health(); h["started"] != float64(1) {
		t.Fatalf("300 sequential invokes started %v environments, want 1", h["started"])
	}
}
