package main

import (
	"os"

	"github.com/coldstartlab/coldstart/internal/local"
	"github.com/coldstartlab/coldstart/internal/selfbench"
	"github.com/coldstartlab/coldstart/internal/version"
	"github.com/spf13/cobra"
)

func newSelfbenchCmd() *cobra.Command {
	var (
		o      selfbench.Options
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "selfbench",
		Short: "Measure the platform's own overhead against this machine's floor",
		Long: `selfbench measures, in one run, what the local platform adds to an invoke and
prints each figure beside what the machine physically needs: a warm invoke
beside two keep-alive HTTP round trips between two processes (the least an
invoke needs), and a cold invoke beside a bare exec of the same bootstrap
until its first /next. Ratios from the same run stay meaningful on a noisy
machine; absolute numbers do not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tpl, err := local.FindTemplate(o.Template)
			if err != nil {
				return err
			}
			self, err := os.Executable()
			if err != nil {
				return err
			}
			o.Template, o.Version, o.Progress = tpl, version.String(), cmd.ErrOrStderr()
			o.EchoCmd = []string{self, "selfbench-echo"}
			res, err := selfbench.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			if asJSON {
				return res.JSON(cmd.OutOrStdout())
			}
			res.Print(cmd.OutOrStdout())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Template, "template", "t", "", "SAM template (default: as for serve)")
	f.StringVar(&o.Function, "function", "Uppercase", "function to invoke; it must accept \"hi\"")
	f.IntVar(&o.Warm, "warm", 2000, "samples per warm figure")
	f.IntVar(&o.Cold, "cold", 50, "samples per cold figure")
	f.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	f.StringVar(&o.Sandbox, "sandbox", "auto", "environment sandbox: auto, cgroup1, cgroup2 or plain")
	f.BoolVar(&o.NoFreeze, "no-freeze", false, "do not freeze environments between invokes")
	return cmd
}

// newSelfbenchEchoCmd is selfbench's second process for the loopback floor.
func newSelfbenchEchoCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "selfbench-echo",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return selfbench.ServeEcho(cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
}
