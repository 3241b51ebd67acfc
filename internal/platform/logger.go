package platform

import (
	"io"
	"log"
)

// discardLogger silences net/http's complaints about runtimes that hang up
// mid-request: a crashing runtime is data here, reported through REPORT.
var discardLogger = log.New(io.Discard, "", 0)
