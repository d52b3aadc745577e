// Command listmarshal runs after gqlgen (see generate.go): it makes the
// generated executor marshal lists through the graph package's
// marshalList rather than gqlgen's graphql.MarshalSliceConcurrently,
// which starts one goroutine per item of every list of objects.
// marshalList does the same on a store whose loaders batch, and marshals
// the items in turn, in the caller, on one whose loaders fetch at once
// (the embedded store), where those goroutines are most of the cost of a
// list.
//
// It rewrites the file named by its argument in place, and fails when
// the file calls neither function: gqlgen's output has changed, and this
// step with it.
//
// Usage: go run ./internal/listmarshal graph/generated.go
package main

import (
	"bytes"
	"fmt"
	"os"
)

const (
	gqlgenCall = "graphql.MarshalSliceConcurrently("
	ourCall    = "marshalList("
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "listmarshal:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: listmarshal FILE")
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte(gqlgenCall)) && !bytes.Contains(b, []byte(ourCall)) {
		return fmt.Errorf("%s calls neither %s) nor %s): gqlgen's output changed", args[0], gqlgenCall, ourCall)
	}
	return os.WriteFile(args[0], bytes.ReplaceAll(b, []byte(gqlgenCall), []byte(ourCall)), 0o644)
}
