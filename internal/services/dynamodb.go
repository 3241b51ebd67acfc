package services

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/coldstartlab/coldstart/internal/template"
)

// pollEvery is how often readiness and table status are polled.
const pollEvery = 20 * time.Millisecond

// dynamoClient is a DynamoDB client for the local endpoint url.
func dynamoClient(cfg aws.Config, url string) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) })
}

// createTables waits until dynalite answers, then creates every table and
// waits until each is ACTIVE.
func createTables(ctx context.Context, cfg aws.Config, url string, tables []template.Table, file string) error {
	c := dynamoClient(cfg, url)
	if err := poll(ctx, "dynalite: ListTables", func() (bool, error) {
		_, err := c.ListTables(ctx, &dynamodb.ListTablesInput{})
		return err == nil, err
	}); err != nil {
		return err
	}
	for _, t := range tables {
		if _, err := c.CreateTable(ctx, createTableInput(t)); err != nil {
			return fmt.Errorf("%s: table %s: dynalite's CreateTable: %w", where(file, t.Line), t.LogicalID, apiError(err))
		}
	}
	for _, t := range tables {
		err := poll(ctx, "dynalite: table "+t.Name+" ACTIVE", func() (bool, error) {
			out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.Name)})
			if err != nil {
				return false, err
			}
			return out.Table.TableStatus == types.TableStatusActive, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// createTableInput is CreateTable for t. Streams, TTL and the properties
// without local effect are not sent: dynalite has no streams or TTL.
func createTableInput(t template.Table) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName:             aws.String(t.Name),
		KeySchema:             keySchema(t.KeySchema),
		BillingMode:           types.BillingMode(t.BillingMode),
		ProvisionedThroughput: throughput(t.Throughput),
	}
	for _, a := range t.Attributes {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.AttributeName), AttributeType: types.ScalarAttributeType(a.AttributeType),
		})
	}
	for _, ix := range t.GlobalIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name), KeySchema: keySchema(ix.KeySchema),
			Projection: projection(ix), ProvisionedThroughput: throughput(ix.Throughput),
		})
	}
	for _, ix := range t.LocalIndexes {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName: aws.String(ix.Name), KeySchema: keySchema(ix.KeySchema), Projection: projection(ix),
		})
	}
	return in
}

func keySchema(ks []template.KeyElement) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, len(ks))
	for i, k := range ks {
		out[i] = types.KeySchemaElement{AttributeName: aws.String(k.AttributeName), KeyType: types.KeyType(k.KeyType)}
	}
	return out
}

func throughput(t *template.Throughput) *types.ProvisionedThroughput {
	if t == nil {
		return nil
	}
	return &types.ProvisionedThroughput{
		ReadCapacityUnits: aws.Int64(t.ReadCapacityUnits), WriteCapacityUnits: aws.Int64(t.WriteCapacityUnits),
	}
}

func projection(ix template.Index) *types.Projection {
	p := &types.Projection{NonKeyAttributes: ix.NonKeyAttributes}
	if ix.ProjectionType != "" {
		p.ProjectionType = types.ProjectionType(ix.ProjectionType)
	}
	return p
}

// poll calls f every pollEvery until it reports done or ctx ends; what
// names the goal in the timeout error, with f's last error.
func poll(ctx context.Context, what string, f func() (bool, error)) error {
	var last error
	for {
		done, err := f()
		if done {
			return nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("%s: not done before the start timeout: %w", what, apiError(last))
			}
			return fmt.Errorf("%s: not done before the start timeout", what)
		case <-time.After(pollEvery):
		}
	}
}

// apiError shortens an SDK error to the service's code and message
// ("ValidationException: …"), the part a template author can act on.
func apiError(err error) error {
	if ae, ok := errors.AsType[smithy.APIError](err); ok {
		return fmt.Errorf("%s: %s", ae.ErrorCode(), ae.ErrorMessage())
	}
	return err
}
