// Package platform is the local Lambda: functions, their execution
// environments, and the scheduling of invokes onto them.
//
// An environment is one sandbox running one runtime process with its own
// Runtime API listener on 127.0.0.1. An invoke takes an idle environment
// (warm) or starts a new one (cold); environments serve one invoke at a time,
// so concurrency scales out. The platform enforces the concurrency limit,
// init and function timeouts, idle reaping, and Lambda's answers to crashes
// and init failures, and writes START/END/REPORT lines with each request's
// own output between them.
//
// Timing follows DESIGN.md and lambda-spec.md §3: Init Duration runs from the
// runtime's exec to its first /next; Duration from handing over the event to
// the runtime's next /next. Sandbox set-up before exec is reported apart, as
// platform overhead, never inside Init Duration.
//
// platform must not import bench, lambdaapi or template: callers hand it
// ready-built FunctionConfigs.
package platform
