// DdbWriter writes one item to DynamoDB and returns its generated id: the
// workload of seed 003 (a function that "writes to a database and shuts
// down"). The event's string fields become the item's attributes.
//
// Environment: TABLE_NAME (partition key "id", a string).
package main

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/coldstartlab/coldstart/examples/functions/internal/workload"
)

// Built during init, as Lambda best practice has it: reused by every invoke.
var (
	db    = dynamodb.NewFromConfig(workload.Config(context.Background()))
	table = workload.Env("TABLE_NAME")
)

func handle(ctx context.Context, event map[string]any) (string, error) {
	id := workload.NewID()
	item := map[string]types.AttributeValue{
		"id":        &types.AttributeValueMemberS{Value: id},
		"createdAt": &types.AttributeValueMemberS{Value: time.Now().UTC().Format(time.RFC3339)},
	}
	for k, v := range event {
		if s, ok := v.(string); ok && k != "id" && k != "createdAt" {
			item[k] = &types.AttributeValueMemberS{Value: s}
		}
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		return "", err
	}
	return id, nil
}

func main() {
	lambda.Start(handle)
}
