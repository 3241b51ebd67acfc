package local

import (
	"context"
	"errors"
)

// frontDoor is the API Gateway HTTP API / Function URL listener (serve --http).
type frontDoor struct{}

// startFrontDoor serves the template's HttpApi events and Function URLs on addr.
func (s *Server) startFrontDoor(addr string) error {
	return errors.New("serve --http: not implemented yet")
}

// close stops the front door; a nil front door is a no-op.
func (f *frontDoor) close(ctx context.Context) {}
