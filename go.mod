module github.com/coldstartlab/coldstart

go 1.26.0

require (
	github.com/prometheus/procfs v0.23.0
	gopkg.in/yaml.v3 v3.0.1
)

require golang.org/x/sys v0.49.0 // indirect
