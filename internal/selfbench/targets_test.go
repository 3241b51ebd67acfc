package selfbench

import (
	"testing"
	"time"
)

func TestTargets(t *testing.T) {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	fig := func(name string, p50, p99 time.Duration) Figure { return Figure{Name: name, N: 10, P50: p50, P99: p99} }
	tests := []struct {
		name string
		res  Result
		want map[string]bool
	}{
		{
			name: "everything within its bound",
			res: Result{
				Figures: []Figure{
					fig(FloorWarm, ms(0.4), ms(1)), fig(WarmHTTP, ms(0.5), ms(3)),
					fig(FloorColdInvoke, ms(4), ms(8)), fig(ColdClient, ms(6), ms(12)),
				},
				Burst:    &Burst{N: 1000, Errors: 0, Environments: 900},
				OpenLoop: &OpenLoop{Sent: 10, SendP99: ms(0.9)},
			},
			want: map[string]bool{
				"warm p50 ≤ 1.25 × floor": true, "warm p99 ≤ 3 × floor": true,
				"cold overhead ≤ 2 ms over bare exec": true, "burst of 1000 with 0 errors": true,
				"open-loop p99 send-time error < 1 ms": true,
			},
		},
		{
			name: "everything past its bound",
			res: Result{
				Figures: []Figure{
					fig(FloorWarm, ms(0.4), ms(1)), fig(WarmHTTP, ms(0.51), ms(3.1)),
					fig(FloorColdInvoke, ms(4), ms(8)), fig(ColdClient, ms(6.1), ms(12)),
				},
				Burst:    &Burst{N: 1000, Errors: 1, Environments: 1000},
				OpenLoop: &OpenLoop{Sent: 10, SendP99: ms(1)},
			},
			want: map[string]bool{
				"warm p50 ≤ 1.25 × floor": false, "warm p99 ≤ 3 × floor": false,
				"cold overhead ≤ 2 ms over bare exec": false, "burst of 1000 with 0 errors": false,
				"open-loop p99 send-time error < 1 ms": false,
			},
		},
		{
			name: "nothing measured, nothing judged",
			want: map[string]bool{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.res.targets()
			if len(got) != len(tt.want) {
				t.Fatalf("%d targets %+v, want %d", len(got), got, len(tt.want))
			}
			for _, tg := range got {
				if want, ok := tt.want[tg.Name]; !ok || tg.Pass != want {
					t.Errorf("%s: pass %v (%s), want %v", tg.Name, tg.Pass, tg.Detail, want)
				}
			}
		})
	}
}

func TestTimeConcurrentRunsExactlyN(t *testing.T) {
	for _, c := range []int{1, 3, 8} {
		var calls int64
		var mu = make(chan struct{}, 1)
		samples, wall, err := timeConcurrent(c, 50, 2, func() error {
			mu <- struct{}{}
			calls++
			<-mu
			return nil
		})
		if err != nil || len(samples) != 50 || wall <= 0 {
			t.Errorf("c=%d: %d samples, wall %v, err %v", c, len(samples), wall, err)
		}
		if want := int64(50 + 2*c); calls != want {
			t.Errorf("c=%d: %d calls, want %d (50 kept plus 2 warmup per client)", c, calls, want)
		}
	}
}

func TestFigureP999OnlyWithEnoughSamples(t *testing.T) {
	few := make([]time.Duration, 999)
	many := make([]time.Duration, 1000)
	for i := range many {
		many[i] = time.Duration(i+1) * time.Microsecond
		if i < len(few) {
			few[i] = many[i]
		}
	}
	if f := figure("few", few); f.P999 != 0 {
		t.Errorf("999 samples: p99.9 %v, want none", f.P999)
	}
	if f := figure("many", many); f.P999 != 999*time.Microsecond {
		t.Errorf("1000 samples: p99.9 %v, want 999µs", f.P999)
	}
}
