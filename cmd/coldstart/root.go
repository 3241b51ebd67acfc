package main

import "github.com/spf13/cobra"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "coldstart",
		Short: "Measure AWS Lambda cold starts honestly",
		Long: `coldstart runs Lambda functions on a faithful local platform (each environment a
sandboxed process with its own Runtime API, real START/END/REPORT lines and real
Init Duration and Max Memory Used) and invokes them through the Lambda API, so
the AWS CLI, the SDKs and coldstart itself work against it unchanged.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newServeCmd(), newInvokeCmd(), newBenchCmd(), newReportCmd(), newAnalyzeCmd(), newCompareCmd(), newSelfbenchCmd(), newSelfbenchEchoCmd(), newVersionCmd())
	return root
}
