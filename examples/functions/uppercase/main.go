// Uppercase is the quick-start function: a JSON string in, the same string
// upper-cased out.
//
// FIRST_INVOKE_DELAY_MS makes only an environment's first invoke sleep, so
// that N concurrent invokes are guaranteed to need N environments: the trick
// seed 004 used to force parallel cold starts.
package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

var invoked atomic.Bool

func handle(ctx context.Context, s string) (string, error) {
	if !invoked.Swap(true) {
		if ms, err := strconv.Atoi(os.Getenv("FIRST_INVOKE_DELAY_MS")); err == nil && ms > 0 {
			time.Sleep(time.Duration(ms) * time.Millisecond)
		}
	}
	return strings.ToUpper(s), nil
}

func main() {
	lambda.Start(handle)
}
