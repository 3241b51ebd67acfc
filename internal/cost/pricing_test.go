package cost

import "testing"

func TestLookup(t *testing.T) {
	tests := []struct {
		region string
		ok     bool
	}{
		{"us-east-1", true},
		{"us-east-2", true},
		{"us-west-2", true},
		{"eu-west-1", true},
		{"eu-central-1", true},
		{"ap-northeast-1", true},
		{"af-south-1", false}, // priced higher; not in the table rather than wrong
		{"", false},
		{"US-EAST-1", false},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			p, ok := Lookup(tt.region)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if p.Region != tt.region || p.PerGBSecond[X86] != 0.0000166667 || p.PerGBSecond[ARM] != 0.0000133334 ||
				p.PerRequest != 0.0000002 || p.MBPerGB != 1024 {
				t.Errorf("Lookup(%q) = %+v", tt.region, p)
			}
		})
	}
}

func TestLookupReturnsCopy(t *testing.T) {
	p := Default()
	p.PerGBSecond[X86] = 1
	if q := Default(); q.PerGBSecond[X86] != 0.0000166667 || q.Region != "us-east-1" {
		t.Errorf("table changed through a returned Pricing: %+v", q)
	}
	r := Regions()
	r[0] = "mars-1"
	if _, ok := Lookup("us-east-1"); !ok || Regions()[0] == "mars-1" {
		t.Error("Regions exposes the table")
	}
}

func TestGBSeconds(t *testing.T) {
	tests := []struct {
		name     string
		mbPerGB  float64
		memoryMB int
		billedMS float64
		want     float64
	}{
		{"AWS binary GB", 1024, 512, 1000, 0.5},
		{"decimal GB", 1000, 512, 1000, 0.512},
		{"unset means 1024", 0, 2048, 250, 0.5},
		{"10 GB for 15 minutes", 1024, 10240, 900000, 9000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Pricing{MBPerGB: tt.mbPerGB}
			if got := p.GBSeconds(tt.memoryMB, tt.billedMS); !near(got, tt.want, 1e-12) {
				t.Errorf("GBSeconds = %v, want %v", got, tt.want)
			}
		})
	}
}
