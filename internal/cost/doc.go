// Package cost is Lambda's pricing arithmetic: GB-seconds, the per-request
// fee, what a function costs per invoke, per million invokes and per month
// given its cold-start ratio, and which memory size of a sweep is cheapest,
// fastest, or on the cost/latency frontier.
//
// Prices are on-demand list prices of the first tier. There is no free tier
// and no tiered volume discount here: coldstart compares configurations, and
// both would shift every configuration by amounts that depend on the rest of
// the account, not on the function. Billed durations are inputs; callers
// compute them as Lambda does (⌈Init Duration + Duration⌉ ms for an invoke that
// ran an init, lambda-spec.md §4) and nothing here rounds them again.
//
// cost must not import any other coldstart package; report builds on it.
package cost
