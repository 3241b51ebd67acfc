// Package template reads the subset of an AWS SAM template.yaml that coldstart
// runs locally and turns each AWS::Serverless::Function into a Function: its
// runtime, handler, code directory, memory, timeout, environment and
// architecture, with Globals applied and CloudFormation's !Ref and !Sub
// resolved. Its DynamoDB tables (AWS::DynamoDB::Table,
// AWS::Serverless::SimpleTable) and SQS queues (AWS::SQS::Queue) become
// Tables and Queues, which package services creates locally. It also builds Go functions (Metadata: BuildMethod: go1.x) into a
// content-addressed cache, and measures the package the platform will run.
//
// It is for the `serve` and `bench` front ends: they load a template, optionally
// apply a `--env-vars` file, build each function, and hand the result to the
// platform. Validation follows Lambda's own limits (memory, timeout,
// environment variables) so a template that loads here would also be accepted
// by CreateFunction, and every error names file:line and the function.
//
// Notes (differences from SAM and CloudFormation):
//   - Only provided runtimes (provided.al2023, provided.al2, provided) run; the
//     function name is always the logical ID, even when FunctionName is set.
//   - Intrinsics are resolved in string positions only: Ref, Sub and GetAtt
//     (a table's Arn and StreamArn, a queue's Arn, QueueName and QueueUrl, a
//     function's Arn). Other functions (Join, If, Select…) are errors, never
//     silently dropped, so a benchmark never runs a half-configured function.
//   - !Ref of an AWS::Serverless::Function gives its logical ID, the name it
//     is invoked by locally; of a table, its name (TableName, else the
//     logical ID); of a queue, its URL, as on AWS; of other resources, their
//     FunctionName or BucketName when given as plain text, else the logical ID.
//   - A queue's URL and ARN exist only once the local SQS service runs, so
//     they resolve to placeholders that Template.Bind fills in; only
//     Environment.Variables and a queue's redrive policies may use them.
//   - Table and queue properties are checked as CreateTable and CreateQueue
//     would; properties without local effect (Tags, SSESpecification…) are
//     accepted, unknown ones are errors.
//   - Globals.Function lists (Architectures) are replaced by the function's
//     value instead of concatenated as SAM does: Lambda takes exactly one
//     architecture, so concatenation could only ever produce an invalid list.
//
// It imports nothing of ours (only the standard library and gopkg.in/yaml.v3),
// so the platform and the CLI can both depend on it.
package template
