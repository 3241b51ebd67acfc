package services

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/coldstartlab/coldstart/internal/template"
)

// policyAttrs name other queues by ARN, so they are set once every queue
// exists (a dead-letter queue may come after its source in the template).
var policyAttrs = []string{"RedrivePolicy", "RedriveAllowPolicy"}

// sqsClient is an SQS client for the local endpoint url.
func sqsClient(cfg aws.Config, url string) *sqs.Client {
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(url) })
}

// createQueues waits until fauxqs answers, creates every queue, records its
// URL and ARN in values ("Id.QueueUrl", "Id.Arn"), then sets the redrive
// policies with those ARNs filled in.
func createQueues(ctx context.Context, cfg aws.Config, url string, queues []template.Queue, file string, values map[string]string) error {
	c := sqsClient(cfg, url)
	if err := poll(ctx, "fauxqs: ListQueues", func() (bool, error) {
		_, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
		return err == nil, err
	}); err != nil {
		return err
	}
	arns := map[string]string{} // queue name → ARN as fauxqs reports it
	for _, q := range queues {
		attrs := map[string]string{}
		for k, v := range q.Attributes {
			if !isPolicy(k) {
				attrs[k] = v
			}
		}
		out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(q.Name), Attributes: attrs})
		if err != nil {
			return fmt.Errorf("%s: queue %s: fauxqs' CreateQueue: %w", where(file, q.Line), q.LogicalID, apiError(err))
		}
		got, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
			QueueUrl: out.QueueUrl, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn},
		})
		if err != nil {
			return fmt.Errorf("%s: queue %s: fauxqs' GetQueueAttributes: %w", where(file, q.Line), q.LogicalID, apiError(err))
		}
		arn := got.Attributes[string(types.QueueAttributeNameQueueArn)]
		values[q.LogicalID+"."+template.AttrQueueURL] = aws.ToString(out.QueueUrl)
		values[q.LogicalID+"."+template.AttrArn] = arn
		arns[q.Name] = arn
	}
	for _, q := range queues {
		attrs := map[string]string{}
		for _, k := range policyAttrs {
			v, ok := q.Attributes[k]
			if !ok {
				continue
			}
			v, err := template.Expand(v, values)
			if err != nil {
				return fmt.Errorf("%s: queue %s: %s: %w", where(file, q.Line), q.LogicalID, k, err)
			}
			attrs[k] = localARNs(v, arns)
		}
		if len(attrs) == 0 {
			continue
		}
		queueURL := values[q.LogicalID+"."+template.AttrQueueURL]
		if _, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(queueURL), Attributes: attrs}); err != nil {
			return fmt.Errorf("%s: queue %s: fauxqs' SetQueueAttributes: %w", where(file, q.Line), q.LogicalID, apiError(err))
		}
	}
	return nil
}

func isPolicy(attr string) bool {
	for _, k := range policyAttrs {
		if k == attr {
			return true
		}
	}
	return false
}

// localARNs rewrites the queue ARNs in a redrive policy that name one of the
// template's queues but not as fauxqs does (an ARN written with
// ${AWS::AccountId} has coldstart's account, fauxqs' queues have their own),
// so a policy that works on AWS works locally. Anything else is kept as is.
func localARNs(policy string, arns map[string]string) string {
	var doc map[string]any
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return policy
	}
	fix := func(v any) any {
		s, ok := v.(string)
		if !ok || !strings.HasPrefix(s, "arn:") {
			return v
		}
		if local, ok := arns[s[strings.LastIndexByte(s, ':')+1:]]; ok {
			return local
		}
		return v
	}
	if v, ok := doc["deadLetterTargetArn"]; ok {
		doc["deadLetterTargetArn"] = fix(v)
	}
	if list, ok := doc["sourceQueueArns"].([]any); ok {
		for i, v := range list {
			list[i] = fix(v)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return policy
	}
	return string(out)
}
