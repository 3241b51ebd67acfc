// Command hello is the tiny function Build compiles in tests; it only uses
// the standard library so the build needs no network.
package main

import "fmt"

func main() {
	fmt.Println("hello from bootstrap")
}
