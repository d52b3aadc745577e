package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/puente-kg/puente/kg"
	"github.com/puente-kg/puente/service"
	"github.com/puente-kg/puente/web/export"
)

// MaxExportNodes is the most entities a POST /export/{format} may name.
const MaxExportNodes = 5000

// maxExportBody bounds the body of a POST /export/{format}.
const maxExportBody = 1 << 20

// relationBatch is how many entity IDs one Relations call asks about when
// a selection is exported.
const relationBatch = 200

// DefaultCallTimeout is the default of ExportOptions.CallTimeout.
const DefaultCallTimeout = 30 * time.Second

// ExportOptions configure the export endpoints.
type ExportOptions struct {
	// Service gives whole-graph exports their slot among its expensive
	// requests (see service.Service.Expensive), so that they share the
	// limit with the GraphQL endpoint's; server.go passes the one service
	// of every endpoint. Nil gives the exports a limit of their own, of
	// service.DefaultMaxExpensive.
	Service *service.Service
	// RequireReader makes whole-graph exports need a bearer token of role
	// reader or above, whatever the rules for other reads; server.go sets
	// it whenever any token is configured.
	RequireReader bool
	// CallTimeout bounds each read of the store and, where the server
	// lets a handler set write deadlines, each write to the client during
	// a whole-graph export. The export as a whole has no deadline: it
	// streams for as long as the graph takes and stops when the client
	// goes away. 0 means DefaultCallTimeout.
	CallTimeout time.Duration
}

// Export returns the export endpoints, to be mounted at /export/:
//
//	GET  /export/{graphml,gexf,cytoscape}?id=ID&depth=N  the neighborhood of ID
//	     (depth 1 to 3, default 1; limit up to 1000, default 1000), the same
//	     nodes and edges as the GraphQL neighborhood query
//	GET  /export/{graphml,gexf,cytoscape}                the whole graph,
//	     streamed (see WholeGraph)
//	POST /export/{graphml,gexf,cytoscape}                the entities named in
//	     the JSON body {"nodes": [IDs], "edges": [relation IDs], "title": "…"}
//	     and the named relations among them (every relation among them when
//	     "edges" is absent): what the explorer shows
//
// A whole-graph export takes one of opts.Service's slots for expensive
// requests while it runs, and needs a token of role reader or above when
// opts.RequireReader is set.
//
// Bad parameters get 400 with {"error": …, "code": "BAD_USER_INPUT"}; an
// unknown entity, 404 with code NOT_FOUND; a whole-graph export without
// the token it needs, 401 with code UNAUTHENTICATED; one that finds every
// slot taken for a second, 429 with code TOO_MANY_REQUESTS.
func Export(store kg.Reader, logger *slog.Logger, opts ExportOptions) http.Handler {
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	e := &exporter{store: store, logger: logger, opts: opts}
	if opts.Service != nil {
		e.expensive = opts.Service.Expensive
	} else {
		e.expensive = service.NewGate(service.DefaultMaxExpensive, time.Second).Enter
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /export/{format}", e.get)
	mux.HandleFunc("POST /export/{format}", e.post)
	mux.HandleFunc("/export/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, kg.ENOTFOUND, "no such export: use /export/graphml, /export/gexf or /export/cytoscape")
	})
	return mux
}

type exporter struct {
	store kg.Reader
	// expensive takes a slot of the expensive requests and returns the
	// function that frees it.
	expensive func(context.Context) (func(), error)
	logger    *slog.Logger
	opts      ExportOptions
}

func (e *exporter) get(w http.ResponseWriter, r *http.Request) {
	format, err := export.ParseFormat(r.PathValue("format"))
	if err != nil {
		e.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	id := q.Get("id")
	statedOnly := false
	if q.Has("statedOnly") {
		if statedOnly, err = strconv.ParseBool(q.Get("statedOnly")); err != nil {
			e.fail(w, r, kg.Invalid("statedOnly", "%q is not true or false", q.Get("statedOnly")))
			return
		}
	}
	if id == "" {
		for _, p := range []string{"depth", "limit"} {
			if q.Has(p) {
				e.fail(w, r, kg.Invalid(p, "only applies to a neighborhood: give id too"))
				return
			}
		}
		e.whole(w, r, format, statedOnly)
		return
	}
	nq := kg.NeighborhoodQuery{ID: id, Depth: 1, Limit: kg.MaxSubgraphLimit, StatedOnly: statedOnly}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"depth", &nq.Depth}, {"limit", &nq.Limit}} {
		if !q.Has(p.name) {
			continue
		}
		n, err := strconv.Atoi(q.Get(p.name))
		if err != nil {
			e.fail(w, r, kg.Invalid(p.name, "%q is not an integer", q.Get(p.name)))
			return
		}
		*p.dst = n
	}
	g, err := NeighborhoodGraph(r.Context(), e.store, nq)
	if err != nil {
		e.fail(w, r, err)
		return
	}
	e.write(w, r, format, g, fmt.Sprintf("puente-%s-depth%d", strings.ReplaceAll(id, ":", "-"), nq.Depth))
}

// Selection is the body of POST /export/{format}.
type Selection struct {
	// Title describes the graph in the file.
	Title string `json:"title"`
	// Nodes are entity IDs; unknown ones are left out.
	Nodes []string `json:"nodes"`
	// Edges are relation IDs; nil keeps every relation among the nodes.
	Edges []string `json:"edges"`
	// StatedOnly keeps only the relations a source states (basis STATED).
	StatedOnly bool `json:"statedOnly"`
}

func (e *exporter) post(w http.ResponseWriter, r *http.Request) {
	format, err := export.ParseFormat(r.PathValue("format"))
	if err != nil {
		e.fail(w, r, err)
		return
	}
	var sel Selection
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxExportBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sel); err != nil {
		e.fail(w, r, kg.Invalid("body", "want a JSON object {\"nodes\": [IDs], \"edges\": [relation IDs]}: %v", err))
		return
	}
	g, err := SelectionGraph(r.Context(), e.store, sel)
	if err != nil {
		e.fail(w, r, err)
		return
	}
	e.write(w, r, format, g, "puente-selection")
}

// write renders the graph into a buffer, so that a failure can still be
// answered with a status, and sends it as an attachment.
func (e *exporter) write(w http.ResponseWriter, r *http.Request, f export.Format, g *export.Graph, name string) {
	var b bytes.Buffer
	if err := export.Write(&b, f, g); err != nil {
		e.fail(w, r, fmt.Errorf("write %s: %w", f, err))
		return
	}
	setFileHeaders(w, f, name)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(b.Bytes())
}

// setFileHeaders describes the file an export sends.
func setFileHeaders(w http.ResponseWriter, f export.Format, name string) {
	h := w.Header()
	h.Set("Content-Type", f.ContentType())
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+"."+f.Extension()))
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
}

// fail answers with the error's code: 400 for bad input, 401 without the
// token needed, 403 with a token whose role is too low, 404 for an
// unknown entity, 429 when every slot for expensive requests is taken, 503
// when the database is unreachable, 504 when it did not answer in time,
// and 500 otherwise, logged in full and shown as "internal error".
func (e *exporter) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := kg.ErrorCode(err)
	status := http.StatusInternalServerError
	switch code {
	case kg.EINVALID:
		status = http.StatusBadRequest
	case kg.EUNAUTHENTICATED:
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer realm="puente"`)
	case kg.EFORBIDDEN:
		status = http.StatusForbidden
	case kg.ENOTFOUND:
		status = http.StatusNotFound
	case service.CodeBusy:
		status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", "1")
	case kg.EUNAVAILABLE:
		status = http.StatusServiceUnavailable
	case kg.ETIMEOUT:
		status = http.StatusGatewayTimeout
	}
	if status >= 500 {
		e.logger.ErrorContext(r.Context(), "export failed", "path", r.URL.Path, "code", code, "err", err.Error())
	}
	writeError(w, status, code, kg.ErrorMessage(err))
}

// NeighborhoodGraph returns the neighborhood of q.ID with its entities: the
// nodes and edges of the GraphQL neighborhood query for the same arguments.
// An unknown entity is an ENOTFOUND error.
func NeighborhoodGraph(ctx context.Context, store kg.Reader, q kg.NeighborhoodQuery) (*export.Graph, error) {
	sub, err := service.Neighborhood(ctx, store, q)
	if err != nil {
		return nil, fmt.Errorf("neighborhood: %w", err)
	}
	// The walk may have brought the entities along; fetch only the rest.
	byID := map[string]*kg.Entity{}
	for _, e := range sub.Entities {
		byID[e.ID] = e
	}
	var missing []string
	for _, id := range sub.Nodes {
		if byID[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		ents, err := store.Entities(ctx, missing)
		if err != nil {
			return nil, fmt.Errorf("entities: %w", err)
		}
		for _, e := range ents {
			byID[e.ID] = e
		}
	}
	if byID[q.ID] == nil {
		return nil, kg.Errorf(kg.ENOTFOUND, "no entity %s", q.ID)
	}
	g := &export.Graph{Title: fmt.Sprintf("Neighborhood of %s (%s), depth %d", byID[q.ID].Name, q.ID, q.Depth)}
	if sub.Truncated {
		g.Title += fmt.Sprintf(", cut at %d nodes", q.Limit)
	}
	for _, id := range sub.Nodes {
		if e := byID[id]; e != nil {
			g.Nodes = append(g.Nodes, e)
		}
	}
	g.Edges = sub.Edges
	return g, nil
}

// SelectionGraph returns the entities the selection names that exist, in
// its order, and the relations among them that it names (all of them when
// it names none), by ID.
func SelectionGraph(ctx context.Context, store kg.Reader, sel Selection) (*export.Graph, error) {
	if len(sel.Nodes) == 0 {
		return nil, kg.Invalid("nodes", "name at least one entity")
	}
	if len(sel.Nodes) > MaxExportNodes {
		return nil, kg.Invalid("nodes", "at most %d entities, got %d", MaxExportNodes, len(sel.Nodes))
	}
	for i, id := range sel.Nodes {
		if err := kg.CheckEntityID(fmt.Sprintf("nodes[%d]", i), id); err != nil {
			return nil, err
		}
	}
	ents, err := store.Entities(ctx, sel.Nodes)
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	byID := map[string]*kg.Entity{}
	for _, e := range ents {
		byID[e.ID] = e
	}
	title := cmp.Or(sel.Title, "A selection of the Puente knowledge graph")
	g := &export.Graph{Title: title}
	seen := map[string]bool{}
	var ids []string
	for _, id := range sel.Nodes {
		if e := byID[id]; e != nil && !seen[id] {
			seen[id] = true
			g.Nodes = append(g.Nodes, e)
			ids = append(ids, id)
		}
	}
	var keep map[string]bool
	if sel.Edges != nil {
		keep = map[string]bool{}
		for _, id := range sel.Edges {
			keep[id] = true
		}
	}
	if len(ids) == 0 {
		return g, nil
	}
	g.Edges, err = relationsAmong(ctx, store, ids, keep)
	if sel.StatedOnly {
		g.Edges = slices.DeleteFunc(g.Edges, func(r *kg.Relation) bool { return !r.IsStated() })
	}
	return g, err
}

// maxRelationsPerNode is the most relations of one node an export reads.
const maxRelationsPerNode = 100_000

// relationsAmong returns the relations whose both ends are among ids (and
// whose IDs are in keep, when keep is not nil), by ID.
func relationsAmong(ctx context.Context, store kg.Reader, ids []string, keep map[string]bool) ([]*kg.Relation, error) {
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	byID := map[string]*kg.Relation{}
	for batch := range slices.Chunk(ids, relationBatch) {
		rels, err := store.Relations(ctx, batch, maxRelationsPerNode)
		if err != nil {
			return nil, fmt.Errorf("relations: %w", err)
		}
		for _, r := range rels {
			if in[r.From] && in[r.To] && (keep == nil || keep[r.ID]) {
				byID[r.ID] = r
			}
		}
	}
	out := make([]*kg.Relation, 0, len(byID))
	for _, r := range byID {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *kg.Relation) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}
