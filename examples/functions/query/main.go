// Query is the workload of seed 000: `GET /test-data` reads the items of one
// partition from DynamoDB and returns them as a JSON list.
//
// Environment: TABLE_NAME (partition key "pk", sort key "sk", both strings).
// The partition is the query string's pk, default "1" (as in the seed).
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/coldstartlab/coldstart/examples/functions/internal/workload"
)

var (
	db    = dynamodb.NewFromConfig(workload.Config(context.Background()))
	table = workload.Env("TABLE_NAME")
)

// Data is one item of the partition.
type Data struct {
	PK    string `json:"pk" dynamodbav:"pk"`
	SK    string `json:"sk" dynamodbav:"sk"`
	Value string `json:"value,omitempty" dynamodbav:"value,omitempty"`
}

func handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	pk := req.QueryStringParameters["pk"]
	if pk == "" {
		pk = "1"
	}
	out, err := db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
	})
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	data := []Data{}
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &data); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	body, _ := json.Marshal(data)
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"content-type": "application/json"}, Body: string(body)}, nil
}

func main() {
	lambda.Start(handle)
}
