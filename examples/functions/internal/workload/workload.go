// Package workload holds what the reference workloads share: the AWS SDK
// configuration they build during init, and item ids.
//
// Endpoints come from the SDK's standard variables (AWS_ENDPOINT_URL_DYNAMODB,
// AWS_ENDPOINT_URL_SQS), which coldstart sets to its local services; on AWS
// they are unset and the SDK uses the real endpoints. The same package runs
// in both places unchanged.
package workload

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Config loads the SDK configuration from the function's environment (region,
// credentials, endpoints), as every Lambda function does during init.
func Config(ctx context.Context) aws.Config {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		// Init fails, and Lambda reports it as an init error.
		panic(fmt.Sprintf("load AWS config: %v", err))
	}
	return cfg
}

// Env returns the environment variable key, which the template must set.
func Env(key string) string {
	v := os.Getenv(key)
	if v == "" {
		panic(key + " is not set: the template's Environment must name it")
	}
	return v
}

// NewID returns a random UUID (version 4), the id of a new item.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
