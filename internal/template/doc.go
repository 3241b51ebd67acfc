// Package template reads the subset of an AWS SAM template.yaml that coldstart
// runs locally and turns each AWS::Serverless::Function into a Function: its
// runtime, handler, code directory, memory, timeout, environment and
// architecture, with Globals applied and CloudFormation's !Ref and !Sub
// resolved. It also builds Go functions (Metadata: BuildMethod: go1.x) into a
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
//   - Intrinsics are resolved in string positions only: Ref and Sub (without
//     GetAtt). Other functions (GetAtt, Join, If, Select…) are errors, never
//     silently dropped, so a benchmark never runs a half-configured function.
//   - !Ref of an AWS::Serverless::Function gives its logical ID, the name it
//     is invoked by locally; of other resources, their TableName, QueueName,
//     FunctionName or BucketName when given as plain text, else the logical ID.
//   - Globals.Function lists (Architectures) are replaced by the function's
//     value instead of concatenated as SAM does: Lambda takes exactly one
//     architecture, so concatenation could only ever produce an invalid list.
//
// It imports nothing of ours (only the standard library and gopkg.in/yaml.v3),
// so the platform and the CLI can both depend on it.
package template
