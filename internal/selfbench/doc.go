// Package selfbench measures the platform against what the machine allows,
// in one run: every figure is printed beside its floor (two loopback HTTP
// round trips between processes for a warm invoke; a bare exec of the same
// bootstrap until its first /next for a cold one), so the ratios hold on any
// machine. It reports numbers; it asserts nothing.
package selfbench
