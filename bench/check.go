package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A ratio against the floor or the peer means something only if they
// answer the same question. Check asks Puente and the other contenders the
// same variable sets and compares the answers field by field, in order.

// Answerer answers one workload for one set of variables with the data
// of a GraphQL answer (or its equivalent), in any JSON-like form.
type Answerer func(ctx context.Context, workload string, vars map[string]any) (any, error)

// GraphQLAnswerer answers with the workload's document from docs, posted
// to url.
func GraphQLAnswerer(url string, docs map[string]Workload) Answerer {
	return func(ctx context.Context, workload string, vars map[string]any) (any, error) {
		w, ok := docs[workload]
		if !ok {
			return nil, fmt.Errorf("no document for %s", workload)
		}
		data, err := post(ctx, url, w.Query, vars)
		if err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		return v, nil
	}
}

// FloorAnswerer answers with the floor's statements.
func FloorAnswerer(driver neo4j.DriverWithContext, style FloorStyle) Answerer {
	return func(ctx context.Context, workload string, vars map[string]any) (any, error) {
		return FloorAnswer(ctx, driver, workload, vars, style)
	}
}

// Mismatch is one answer that differs from Puente's.
type Mismatch struct {
	Workload  string         `json:"workload"`
	Contender string         `json:"contender"`
	Vars      map[string]any `json:"variables"`
	Problem   string         `json:"problem"`
}

func (m Mismatch) String() string {
	vars, _ := json.Marshal(m.Vars)
	return fmt.Sprintf("%s/%s %s: %s", m.Workload, m.Contender, vars, m.Problem)
}

// CheckReport says what Check compared and what differed.
type CheckReport struct {
	// Sets counts, per workload, the variable sets compared with each
	// contender.
	Sets map[string]int `json:"sets"`
	// Compared counts the answers compared with Puente's.
	Compared   int        `json:"compared"`
	Mismatches []Mismatch `json:"mismatches"`
}

// Check asks the reference (Puente) and each other contender every
// variable set of every workload, and reports each answer that differs
// from the reference's, or fails, after normalizing both (see Normalize).
// The shape function, when set for a contender, first turns its answer into
// the reference's shape.
func Check(ctx context.Context, sets map[string][]map[string]any, reference Answerer,
	others map[string]Answerer, shape map[string]func(workload string, root any) any) CheckReport {
	rep := CheckReport{Sets: map[string]int{}}
	names := make([]string, 0, len(others))
	for c := range others {
		names = append(names, c)
	}
	slices.Sort(names)
	for _, wl := range Workloads {
		for _, vars := range sets[wl] {
			rep.Sets[wl]++
			want, err := reference(ctx, wl, vars)
			if err != nil {
				rep.Mismatches = append(rep.Mismatches, Mismatch{wl, "puente", vars, "Puente failed: " + err.Error()})
				continue
			}
			wantN, err := Normalize(want, nil, wl)
			if err != nil {
				rep.Mismatches = append(rep.Mismatches, Mismatch{wl, "puente", vars, err.Error()})
				continue
			}
			for _, c := range names {
				rep.Compared++
				got, err := others[c](ctx, wl, vars)
				if err == nil {
					got, err = Normalize(got, shape[c], wl)
				}
				if err != nil {
					rep.Mismatches = append(rep.Mismatches, Mismatch{wl, c, vars, "failed: " + err.Error()})
					continue
				}
				if d := Diff("", wantN, got); d != "" {
					rep.Mismatches = append(rep.Mismatches, Mismatch{wl, c, vars, d})
				}
			}
		}
	}
	return rep
}

// Print writes the report: sets per workload and every mismatch.
func (r CheckReport) Print(w io.Writer) {
	total := 0
	for _, wl := range Workloads {
		if n := r.Sets[wl]; n > 0 {
			fmt.Fprintf(w, "%-16s %4d variable sets\n", wl, n)
			total += n
		}
	}
	for _, m := range r.Mismatches {
		fmt.Fprintln(w, "MISMATCH", m)
	}
	fmt.Fprintf(w, "%d variable sets, %d answers compared with Puente's, %d mismatches\n", total, r.Compared, len(r.Mismatches))
}

// Normalize turns an answer into plain JSON values (numbers as float64),
// takes the value of its one root field (whose name differs between
// contenders), reshapes it with shape when given, and drops the opaque
// cursors ("cursor", "endCursor"), whose encoding is each server's own;
// what they encode, the order, is compared through the nodes.
func Normalize(data any, shape func(workload string, root any) any, workload string) (any, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, fmt.Errorf("answer %.200s: want one root field", b)
	}
	var root any
	for _, x := range m {
		root = x
	}
	if shape != nil {
		root = shape(workload, root)
	}
	return dropCursors(root), nil
}

func dropCursors(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, y := range x {
			if k != "cursor" && k != "endCursor" {
				out[k] = dropCursors(y)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = dropCursors(y)
		}
		return out
	}
	return v
}

// Diff returns where two normalized answers first differ ("" when they do
// not): the path of the field and both values. An absent field equals
// null; numbers are equal within a relative 1e-9.
func Diff(path string, want, got any) string {
	show := func(v any) string {
		b, _ := json.Marshal(v)
		if len(b) > 160 {
			return string(b[:160]) + "…"
		}
		return string(b)
	}
	differ := func() string {
		return fmt.Sprintf("%s: Puente has %s, got %s", strings.TrimPrefix(path, "."), show(want), show(got))
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return differ()
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		slices.Sort(sorted)
		for _, k := range sorted {
			if d := Diff(path+"."+k, w[k], g[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok {
			return differ()
		}
		for i := range min(len(w), len(g)) {
			if d := Diff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
		if len(w) != len(g) {
			return fmt.Sprintf("%s: Puente has %d items, got %d", strings.TrimPrefix(path, "."), len(w), len(g))
		}
		return ""
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(w-g) > 1e-9*math.Max(1, math.Abs(w)) {
			return differ()
		}
		return ""
	}
	if want != got {
		return differ()
	}
	return ""
}

// PeerShape turns the peer's answer into Puente's shape where the two
// differ: entityNested, where the peer lists people and reaches roles
// through connection edges.
func PeerShape(workload string, root any) any {
	if workload != "entityNested" {
		return root
	}
	people, _ := root.([]any)
	if len(people) == 0 {
		return nil
	}
	p, _ := people[0].(map[string]any)
	edges := func(conn any) []any {
		m, _ := conn.(map[string]any)
		list, _ := m["edges"].([]any)
		return list
	}
	role := func(edge map[string]any) any {
		props, _ := edge["properties"].(map[string]any)
		return props["role"]
	}
	participations := []any{}
	for _, e := range edges(p["participationsConnection"]) {
		edge, _ := e.(map[string]any)
		ev, _ := edge["node"].(map[string]any)
		participants := []any{}
		for _, x := range edges(ev["participantsConnection"]) {
			pe, _ := x.(map[string]any)
			participants = append(participants, map[string]any{"role": role(pe), "entity": pe["node"]})
		}
		participations = append(participations, map[string]any{"role": role(edge),
			"event": map[string]any{"id": ev["id"], "name": ev["name"], "participants": participants}})
	}
	return map[string]any{"id": p["id"], "name": p["name"], "participations": participations}
}
