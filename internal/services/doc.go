// Package services runs the local AWS services a template's functions talk
// to: DynamoDB (dynalite) and SQS (fauxqs), each a Node.js process that
// coldstart starts on 127.0.0.1 with a free port, fills with the template's
// tables and queues, and kills when it closes. Functions reach them through
// the SDKs' service-specific endpoint variables (Env), so the same package
// runs unchanged on AWS, where those variables are unset.
//
// Nothing is downloaded at run time: the emulators and a Node.js 22 binary
// are npm packages that scripts/setup-services.sh installs into
// tools/services/node_modules (Find locates them); when they are missing,
// Start says which command installs them.
//
// Notes:
//   - Every service process is in its own process group with Pdeathsig, so it
//     dies with coldstart even when coldstart is killed; Close kills the group
//     and waits, so nothing is left listening.
//   - Start checks, in /proc, that a service listens on loopback only: fauxqs'
//     own CLI listens on 0.0.0.0, which is why both are started through small
//     launchers (launch/) that bind 127.0.0.1.
//   - Readiness is the launcher's "coldstart-ready PORT" line followed by a
//     real API call (ListTables, ListQueues) through aws-sdk-go-v2.
//
// It imports template (the resources to create) and the AWS SDK; it must not
// import the platform or the CLI.
package services
