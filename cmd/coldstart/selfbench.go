package main

import (
	"os"
	"time"

	"github.com/coldstartlab/coldstart/internal/local"
	"github.com/coldstartlab/coldstart/internal/selfbench"
	"github.com/coldstartlab/coldstart/internal/version"
	"github.com/spf13/cobra"
)

func newSelfbenchCmd() *cobra.Command {
	var (
		o        selfbench.Options
		asJSON   bool
		profiles selfbench.Profiles
	)
	cmd := &cobra.Command{
		Use:   "selfbench",
		Short: "Measure the platform's own overhead against this machine's floor",
		Long: `selfbench measures, in one run, what the local platform adds to an invoke and
prints each figure beside what the machine physically needs: a warm invoke
beside two keep-alive HTTP round trips between two processes (the least an
invoke needs), and a cold invoke beside a bare exec of the same bootstrap
until its first /next. Warm invokes are also measured at several concurrencies
(throughput beside the floor's), a burst of concurrent invokes that each need
an environment (time, errors, memory per environment), and the accuracy of the
open-loop generator. Ratios from the same run stay meaningful on a noisy
machine; absolute numbers do not. Targets are printed as PASS/FAIL lines; the
exit status does not depend on them.`,
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
			stop, err := profiles.Start()
			if err != nil {
				return err
			}
			res, err := selfbench.Run(cmd.Context(), o)
			if perr := stop(); err == nil {
				err = perr
			}
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
	f.IntSliceVar(&o.Concurrency, "concurrency", []int{1, 8, 64}, "concurrent clients of the closed-loop warm figures (as many environments are started first)")
	f.IntVar(&o.Burst, "burst", 1000, "concurrent invokes in the burst, each needing its own environment (0 skips it)")
	f.DurationVar(&o.BurstDelay, "burst-delay", time.Second, "first-invoke delay that holds each burst environment")
	f.Float64Var(&o.Rate, "rate", 1000, "open-loop requests per second (0 skips the open-loop run)")
	f.DurationVar(&o.RateFor, "rate-duration", 10*time.Second, "how long the open-loop run lasts")
	f.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	f.StringVar(&profiles.CPU, "cpuprofile", "", "write a CPU profile of the platform's process (pprof) to this file")
	f.StringVar(&profiles.Allocs, "memprofile", "", "write an allocation profile of the platform's process to this file")
	f.StringVar(&profiles.Block, "blockprofile", "", "write a blocking profile (channels, selects, locks) of the platform's process to this file")
	f.StringVar(&profiles.Mutex, "mutexprofile", "", "write a mutex contention profile of the platform's process to this file")
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
