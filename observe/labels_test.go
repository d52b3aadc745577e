package observe_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/puente-kg/puente/observe"
)

// TestOperationLabels checks that metrics label an operation by its name
// only when the name is allowed, and by "other" otherwise.
func TestOperationLabels(t *testing.T) {
	o := observe.New(nil)
	o.AllowOperations("WhoMetLiZhanshu")
	o.AllowOperations("Dashboard", "")
	ok := func(context.Context) *graphql.Response { return &graphql.Response{} }
	for _, name := range []string{"WhoMetLiZhanshu", "Dashboard", "anonymous", "Q1_" + strings.Repeat("x", 10_000), "Q2", ""} {
		o.Operation(context.Background(), name, ok)
	}
	rec := httptest.NewRecorder()
	o.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	var got []string
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "puente_graphql_operations_total{") {
			got = append(got, line)
		}
	}
	want := []string{
		`puente_graphql_operations_total{operation="Dashboard",outcome="ok"} 1`,
		`puente_graphql_operations_total{operation="WhoMetLiZhanshu",outcome="ok"} 1`,
		`puente_graphql_operations_total{operation="anonymous",outcome="ok"} 1`,
		`puente_graphql_operations_total{operation="other",outcome="ok"} 3`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("operations counted as\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
