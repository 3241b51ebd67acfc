// Package runtimes runs Lambda's managed runtimes (nodejs*.x, python3.*,
// java*) on this machine's own interpreters, as `sam local` cannot without
// Docker. For each language a runtime interface client, written here in that
// language's standard library, is embedded in the binary (node/, python/,
// java/), installed once into a content-addressed cache directory and started
// by the platform as the environment's runtime process, with the flags
// Lambda's own bootstraps use (heap limits from the memory size).
//
// Nothing here knows about environments or scheduling: Prepare turns a
// runtime identifier into a command line; the platform runs it.
package runtimes
