// Orders is the workload of seed 002: an API Gateway HTTP API (payload 2.0)
// request stores an order in DynamoDB, announces it on an SQS queue and
// answers 201 with the order's id.
//
// Environment: ORDERS_TABLE (partition key "id"), QUEUE_URL.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/coldstartlab/coldstart/examples/functions/internal/workload"
)

var (
	cfg   = workload.Config(context.Background())
	db    = dynamodb.NewFromConfig(cfg)
	queue = sqs.NewFromConfig(cfg)
	table = workload.Env("ORDERS_TABLE")
	qURL  = workload.Env("QUEUE_URL")
)

// Order is what a client posts, and what is stored and announced.
type Order struct {
	ID         string  `json:"id" dynamodbav:"id"`
	CustomerID string  `json:"customerId" dynamodbav:"customerId"`
	Items      []Line  `json:"items" dynamodbav:"items"`
	Total      float64 `json:"total" dynamodbav:"total"`
	CreatedAt  string  `json:"createdAt" dynamodbav:"createdAt"`
}

// Line is one product in an order.
type Line struct {
	SKU      string  `json:"sku" dynamodbav:"sku"`
	Quantity int     `json:"quantity" dynamodbav:"quantity"`
	Price    float64 `json:"price" dynamodbav:"price"`
}

func handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var o Order
	if err := json.Unmarshal([]byte(req.Body), &o); err != nil {
		return reply(400, map[string]string{"message": "body is not an order: " + err.Error()}), nil
	}
	if err := o.check(); err != nil {
		return reply(400, map[string]string{"message": err.Error()}), nil
	}
	o.ID = workload.NewID()
	o.CreatedAt = time.Now().UTC().Format(time.RFC3339)
	for _, l := range o.Items {
		o.Total += float64(l.Quantity) * l.Price
	}
	item, err := attributevalue.MarshalMap(o)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	body, _ := json.Marshal(o)
	if _, err := queue.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(qURL), MessageBody: aws.String(string(body))}); err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return reply(201, map[string]string{"id": o.ID}), nil
}

func (o Order) check() error {
	if o.CustomerID == "" {
		return errors.New("customerId is required")
	}
	if len(o.Items) == 0 {
		return errors.New("items must not be empty")
	}
	for i, l := range o.Items {
		if l.SKU == "" || l.Quantity <= 0 || l.Price < 0 {
			return errors.New("items[" + strconv.Itoa(i) + "] needs a sku, a positive quantity and a price")
		}
	}
	return nil
}

func reply(status int, v any) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(v)
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: map[string]string{"content-type": "application/json"}, Body: string(body)}
}

func main() {
	lambda.Start(handle)
}
