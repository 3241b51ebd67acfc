package platform

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"time"
)

// NewRequestID returns a random (version 4) UUID, Lambda's request id format.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// newEnvironmentID returns 32 lowercase hex digits, the suffix of a log stream name.
func newEnvironmentID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// logStreamName is Lambda's `YYYY/MM/DD/[$LATEST]<32 hex>`.
func logStreamName(t time.Time, version, envID string) string {
	return t.UTC().Format("2006/01/02") + "/[" + version + "]" + envID
}

// newTraceID returns an X-Ray trace header like Lambda's for an untraced
// (PassThrough) function.
func newTraceID(t time.Time) string {
	return fmt.Sprintf("Root=1-%08x-%08x%016x;Parent=%016x;Sampled=0",
		t.Unix(), mrand.Uint32(), mrand.Uint64(), mrand.Uint64())
}
