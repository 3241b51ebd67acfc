// Package e2e holds end-to-end tests: they build the coldstart binary, start
// `coldstart serve` on a free loopback port and drive it with the real
// aws-sdk-go-v2 Lambda client, as a user's script would.
package e2e
