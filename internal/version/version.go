// Package version holds the coldstart version, injected at build time with
// -ldflags "-X github.com/coldstartlab/coldstart/internal/version.Version=v1.2.3".
// It imports nothing of ours.
package version

import "runtime/debug"

// Version is the coldstart release; "dev" plus the VCS revision when not injected.
var Version = "dev"

// String returns Version, falling back to the module build info for `go install` builds.
func String() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}
