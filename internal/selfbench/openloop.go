package selfbench

import (
	"context"
	"net/http"
	"time"

	"github.com/coldstartlab/coldstart/internal/loadgen"
)

// OpenLoop is how faithfully the open-loop generator (internal/loadgen, the
// one `bench` uses for load phases) keeps its schedule while it drives warm
// invokes on the same machine.
type OpenLoop struct {
	Target   string        `json:"target"` // what was driven: the platform, or the loopback echo floor
	Rate     float64       `json:"rate"`
	InFlight int           `json:"max_in_flight"`
	Duration time.Duration `json:"duration_ns"`
	Sent     int           `json:"sent"`
	Errors   int           `json:"errors"`
	// Send-time error: actual send − intended send.
	SendP50  time.Duration `json:"send_error_p50_ns"`
	SendP99  time.Duration `json:"send_error_p99_ns"`
	SendP999 time.Duration `json:"send_error_p999_ns"`
	SendMax  time.Duration `json:"send_error_max_ns"`
	// Latency from intended send to response.
	LatencyP50 time.Duration `json:"latency_p50_ns"`
	LatencyP99 time.Duration `json:"latency_p99_ns"`
}

// runOpenLoop drives url at rate for d with at most inFlight requests at
// once: as many as there are warm environments, so that a schedule the
// machine cannot keep queues in the generator (and shows as send-time error)
// instead of stampeding the platform into cold starts.
func runOpenLoop(ctx context.Context, url string, rate float64, d time.Duration, inFlight int) (*OpenLoop, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: inFlight}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	_ = postOnce(client, url) // the first environment's cold start is not the generator's doing
	st, err := loadgen.Run(ctx, loadgen.Options{Rate: rate, Duration: d, MaxInFlight: inFlight}, func(context.Context, int) (any, error) {
		return nil, postOnce(client, url)
	}, nil)
	if err != nil {
		return nil, err
	}
	us := func(v int64) time.Duration { return time.Duration(v) * time.Microsecond }
	return &OpenLoop{
		Rate: rate, Duration: d, InFlight: inFlight, Sent: st.Sent, Errors: st.Errors,
		SendP50: us(st.SendError.ValueAtQuantile(50)), SendP99: us(st.SendError.ValueAtQuantile(99)),
		SendP999: us(st.SendError.ValueAtQuantile(99.9)), SendMax: us(st.SendError.Max()),
		LatencyP50: us(st.Latency.ValueAtQuantile(50)), LatencyP99: us(st.Latency.ValueAtQuantile(99)),
	}, nil
}
