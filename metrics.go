package main

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/puente-kg/puente/web"
)

// explorerOperations are the operations the /explore page sends (see
// web/static/explore.js).
var explorerOperations = []string{"Search", "Neighborhood"}

// operationLabels returns the operation names that metrics label by name:
// those of the operations the server's own pages send (GraphiQL's example
// tabs, web/examples, and the explorer's) and the configured ones
// (METRICS_OPERATIONS). Metrics count any other named operation as
// "other".
func operationLabels(configured []string) []string {
	names := append([]string(nil), explorerOperations...)
	for _, e := range web.Examples() {
		doc, err := parser.ParseQuery(&ast.Source{Name: e.Name, Input: e.Query})
		if err != nil {
			panic(fmt.Sprintf("example %s: %v", e.Name, err))
		}
		for _, op := range doc.Operations {
			if op.Name != "" {
				names = append(names, op.Name)
			}
		}
	}
	return append(names, configured...)
}
