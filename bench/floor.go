package bench

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/puente-kg/puente/kg"
)

// The floor: each workload's answer fetched by one hand-written Cypher
// statement through the Go driver, with no GraphQL layer and no HTTP. It
// is the yardstick Puente is measured against, so it must be measured the
// way Puente reads (the same driver settings, auto-commit statements in read
// sessions) and answer the same question: its statements are ports of
// neo4jstore's (investments through the places within a country and the
// country itself; paths simple, merged and ordered by length then node IDs,
// as kg.FinishPaths does), written as one statement each, and its
// answers are checked against Puente's (see Check).

// The bounds every contender's workload asks for: the `first` and `limit`
// arguments of bench/workloads/puente.json, the peer's documents and the
// floor's statements. Puente's cost model (every list priced by its
// first, MAX_QUERY_COMPLEXITY 50,000 by default) caps what one query can
// ask, so the nested lists have bounds all three contenders share.
const (
	// ParticipationsFirst bounds a person's participations (entityNested).
	ParticipationsFirst = 1000
	// ParticipantsFirst bounds each event's participants (entityNested).
	ParticipantsFirst = 10
	// ContactsFirst bounds the contacts of whoMet.
	ContactsFirst = 1000
	// MeetingsFirst bounds each contact's meetings (whoMet).
	MeetingsFirst = 10
	// InvestmentsFirst bounds investmentsInto.
	InvestmentsFirst = 1000
	// NeighborhoodLimit is the neighborhood's node limit (depth 2).
	NeighborhoodLimit = 200
	// PathsLimit is how many paths of at most 4 relations paths asks for.
	PathsLimit = 5
	// SearchFirst is how many hits search asks for.
	SearchFirst = 10
	// EventsFirst is the size of eventsPage's page.
	EventsFirst = 20
)

// FloorStyle is how the floor sends its statements.
type FloorStyle int

const (
	// AutoCommit runs each statement as an auto-commit read in a read
	// session (session.Run), as neo4jstore's read does: one round trip.
	AutoCommit FloorStyle = iota
	// Transaction runs each statement through neo4j.ExecuteQuery, which
	// opens an explicit transaction and commits it: a second round trip.
	// It is how the floor read before Performance II, kept to show what
	// the transaction costs.
	Transaction
)

// floorQuery is one workload's floor: a statement, its parameters from the
// workload's variables, and the Go that turns the records into the answer,
// shaped like the data of Puente's GraphQL answer.
type floorQuery struct {
	cypher string
	params func(vars map[string]any) (map[string]any, error)
	answer func(vars map[string]any, recs []*neo4j.Record) (any, error)
}

// oneColumn answers with the value of the column of the first record under
// the key root, or empty when there is no record.
func oneColumn(root, column string, empty any) func(map[string]any, []*neo4j.Record) (any, error) {
	return func(_ map[string]any, recs []*neo4j.Record) (any, error) {
		if len(recs) == 0 {
			return map[string]any{root: empty}, nil
		}
		v, ok := recs[0].Get(column)
		if !ok {
			return nil, fmt.Errorf("no column %s", column)
		}
		return map[string]any{root: v}, nil
	}
}

var floorQueries = map[string]floorQuery{
	// A person's first participations in date order, then by relation ID
	// (neo4jstore's LinksByDate), each event's first participants by
	// relation ID (LinksByID).
	"entityNested": {
		cypher: `
MATCH (p:Entity {id: $id})
CALL (p) {
  MATCH (p)-[r:PARTICIPATED_IN]->(e:Entity)
  WITH r, e ORDER BY e.sortKey, r.id LIMIT $participations
  CALL (e) {
    MATCH (e)<-[r2:PARTICIPATED_IN]-(o:Entity)
    WITH r2, o ORDER BY r2.id LIMIT $participants
    RETURN collect({role: r2.role, entity: {id: o.id, name: o.name}}) AS participants
  }
  RETURN collect({role: r.role, event: {id: e.id, name: e.name, participants: participants}}) AS participations
}
RETURN {id: p.id, name: p.name, participations: participations} AS entity`,
		params: func(v map[string]any) (map[string]any, error) {
			return map[string]any{"id": v["id"], "participations": ParticipationsFirst, "participants": ParticipantsFirst}, nil
		},
		answer: oneColumn("entity", "entity", nil),
	},
	// neo4jstore's cypherWhoMet without the optional filters and cursor:
	// contacts by folded name then ID, meetings by date then ID.
	"whoMet": {
		cypher: `
MATCH (me:Entity {id: $id})-[mine:PARTICIPATED_IN]->(ev:Event)<-[theirs:PARTICIPATED_IN]-(other:Entity)
WHERE ev.category IN $categories AND other <> me
  AND NOT mine.role IN $passive AND NOT theirs.role IN $passive
WITH DISTINCT other, ev
ORDER BY ev.sortKey, ev.id
WITH other, collect(ev)[..$meetings] AS meetings
ORDER BY other.sortName, other.id
LIMIT $contacts
RETURN collect({entity: {id: other.id, name: other.name},
                meetings: [ev IN meetings | {id: ev.id, name: ev.name, date: ev.date}]}) AS whoMet`,
		params: func(v map[string]any) (map[string]any, error) {
			return map[string]any{"id": v["id"], "categories": stringList(kg.MeetingCategories), "passive": stringList(kg.PassiveRoles),
				"meetings": MeetingsFirst, "contacts": ContactsFirst}, nil
		},
		answer: oneColumn("whoMet", "whoMet", []any{}),
	},
	// neo4jstore's investmentsInto: from the target and the places within
	// it to their events, each event's targets (its TARGET participants or,
	// without any, the places it was held at) kept when they are the
	// target or lie in it; in date order, then by event, investor and
	// target.
	"investmentsInto": {
		cypher: `
MATCH (:Entity {id: $target})<-[:LOCATED_IN*0..3]-(t:Entity)
CALL (t) {
  MATCH (t)-[:PARTICIPATED_IN {role: 'TARGET'}]->(ev:Event) RETURN ev
  UNION
  MATCH (ev:Event)-[:HELD_AT]->(t) RETURN ev
}
WITH DISTINCT ev
MATCH (inv:Entity)-[:PARTICIPATED_IN {role: 'INVESTOR'}]->(ev)
WITH DISTINCT inv, ev
OPTIONAL MATCH (tgt:Entity)-[:PARTICIPATED_IN {role: 'TARGET'}]->(ev)
WITH inv, ev, collect(DISTINCT tgt) AS targets
OPTIONAL MATCH (ev)-[:HELD_AT]->(place:Entity)
WITH inv, ev, targets, collect(DISTINCT place) AS places
WITH inv, ev, CASE WHEN size(targets) > 0 THEN targets ELSE places END AS targets
UNWIND targets AS t
WITH inv, ev, t
WHERE t.id = $target OR EXISTS { MATCH (t)-[:LOCATED_IN*1..3]->(:Entity {id: $target}) }
WITH DISTINCT inv, ev, t
ORDER BY ev.sortKey, ev.id + '\u0001' + inv.id + '\u0001' + t.id
LIMIT $limit
RETURN collect({investor: {id: inv.id, name: inv.name}, target: {id: t.id, name: t.name},
                event: {id: ev.id, name: ev.name, date: ev.date},
                amount: CASE WHEN ev.amount IS NULL THEN null
                        ELSE {amount: ev.amount, currency: ev.amountCurrency} END}) AS investments`,
		params: func(v map[string]any) (map[string]any, error) {
			return map[string]any{"target": v["countryId"], "limit": InvestmentsFirst}, nil
		},
		answer: oneColumn("investments", "investments", []any{}),
	},
	// kg.WalkNeighborhood at depth 2 in one statement: the center's first
	// 1001 relations by ID; a node one step out with more than 50 relations
	// is a hub, contributing its first 50 relations but no further nodes;
	// nodes by distance then ID, cut at the limit; the relations seen among
	// the kept nodes, by ID.
	"neighborhood": {
		cypher: `
MATCH (c:Entity {id: $id})
CALL (c) {
  MATCH (c)-[r]-(:Entity)
  WITH DISTINCT r ORDER BY r.id LIMIT $center
  RETURN collect(r) AS r0
}
CALL (c, r0) {
  UNWIND r0 AS r
  WITH DISTINCT CASE WHEN startNode(r) = c THEN endNode(r) ELSE startNode(r) END AS n
  WHERE n <> c
  RETURN collect(n) AS l1
}
CALL (l1) {
  UNWIND l1 AS f
  CALL (f) {
    MATCH (f)-[r]-(:Entity)
    WITH DISTINCT r ORDER BY r.id LIMIT $hub + 1
    RETURN collect(r) AS rs
  }
  WITH f, size(rs) > $hub AS hub, rs[..$hub] AS own
  UNWIND own AS r
  WITH r, CASE WHEN hub THEN null WHEN startNode(r) = f THEN endNode(r) ELSE startNode(r) END AS n
  RETURN collect(DISTINCT r) AS r1, collect(DISTINCT n) AS reached
}
CALL (c, l1, reached) {
  UNWIND [{n: c, d: 0}] + [x IN l1 | {n: x, d: 1}] + [x IN reached | {n: x, d: 2}] AS row
  WITH row.n AS n, min(row.d) AS d
  ORDER BY d, n.id
  RETURN collect(n) AS ordered
}
WITH ordered[..$limit] AS kept, size(ordered) > $limit AS truncated, r0 + r1 AS rels
CALL (kept, rels) {
  UNWIND rels AS r
  WITH DISTINCT r
  WHERE startNode(r) IN kept AND endNode(r) IN kept
  WITH r ORDER BY r.id
  RETURN collect({id: r.id, source: startNode(r).id, target: endNode(r).id, type: type(r),
                  label: coalesce(r.role, r.title)}) AS edges
}
RETURN {nodes: [n IN kept | {id: n.id, label: n.name, kind: n.kind}], edges: edges, truncated: truncated} AS neighborhood`,
		params: func(v map[string]any) (map[string]any, error) {
			return map[string]any{"id": v["id"], "center": kg.MaxSubgraphLimit + 1, "hub": kg.HubDegree,
				"limit": NeighborhoodLimit}, nil
		},
		answer: oneColumn("neighborhood", "neighborhood",
			map[string]any{"nodes": []any{}, "edges": []any{}, "truncated": false}),
	},
	// neo4jstore's walks of one to four relations (SHORTEST 6 GROUPS: every
	// walk of every length up to four), then kg.FinishPaths in Cypher:
	// simple walks only, walks over the same nodes merged into one path
	// using the relation of smallest ID at each hop, by length then node IDs.
	"paths": {
		cypher: `
MATCH p = SHORTEST 6 GROUPS (a:Entity {id: $from})-[]-{1,4}(b:Entity {id: $to})
WITH nodes(p) AS ns, relationships(p) AS rs
WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
WITH ns, collect(rs) AS walks
WITH ns, [i IN range(0, size(ns) - 2) |
       reduce(m = null, w IN walks | CASE WHEN m IS NULL OR w[i].id < m.id THEN w[i] ELSE m END)] AS rs
ORDER BY size(ns), [n IN ns | n.id]
LIMIT $limit
RETURN collect({length: size(rs), nodes: [n IN ns | {id: n.id, label: n.name}],
                edges: [r IN rs | {id: r.id, type: type(r), label: coalesce(r.role, r.title)}]}) AS paths`,
		params: func(v map[string]any) (map[string]any, error) {
			return map[string]any{"from": v["from"], "to": v["to"], "limit": PathsLimit}, nil
		},
		answer: oneColumn("paths", "paths", []any{}),
	},
	// neo4jstore's search: the full-text candidates whose tokens start with
	// every token of the text, ranked in Go with kg.Rank like every backend.
	"search": {
		cypher: `
CALL db.index.fulltext.queryNodes('entity_search', $query, {limit: $limit})
YIELD node
RETURN node.id AS id, node.name AS name, node.kind AS kind, node.aliases AS aliases`,
		params: func(v map[string]any) (map[string]any, error) {
			tokens := kg.Tokens(fmt.Sprint(v["query"]))
			clauses := make([]string, len(tokens))
			for i, t := range tokens {
				clauses[i] = "+" + escapeLucene(t) + "*"
			}
			return map[string]any{"query": strings.Join(clauses, " "), "limit": kg.MaxSearchCandidates}, nil
		},
		answer: func(v map[string]any, recs []*neo4j.Record) (any, error) {
			candidates := make([]*kg.Entity, 0, len(recs))
			for _, r := range recs {
				m := r.AsMap()
				e := &kg.Entity{}
				e.ID, _ = m["id"].(string)
				e.Name, _ = m["name"].(string)
				kind, _ := m["kind"].(string)
				e.Kind = kg.Kind(kind)
				aliases, _ := m["aliases"].([]any)
				for _, a := range aliases {
					if s, ok := a.(string); ok {
						e.Aliases = append(e.Aliases, s)
					}
				}
				candidates = append(candidates, e)
			}
			names := map[string]string{}
			for _, e := range candidates {
				names[e.ID] = e.Name
			}
			hits := []any{}
			for _, h := range kg.Rank(kg.Tokens(fmt.Sprint(v["query"])), candidates, nil, SearchFirst) {
				hits = append(hits, map[string]any{"score": h.Score, "entity": map[string]any{"id": h.EntityID, "name": names[h.EntityID]}})
			}
			return map[string]any{"search": hits}, nil
		},
	},
	// neo4jstore's plain event list (categories and dates): the count and
	// one page, one more than asked to tell whether another page follows.
	"eventsPage": {
		cypher: `
CALL {
  MATCH (e:Event) WHERE e.category IN $categories AND e.dateFirst <= $hi AND e.dateLast >= $lo
  RETURN count(e) AS total
}
CALL {
  MATCH (e:Event) WHERE e.category IN $categories AND e.dateFirst <= $hi AND e.dateLast >= $lo
  WITH e ORDER BY e.sortKey, e.id LIMIT $limit
  RETURN collect({id: e.id, name: e.name, date: e.date}) AS page
}
RETURN total, page`,
		params: func(v map[string]any) (map[string]any, error) {
			from, err := kg.ParseDate(fmt.Sprint(v["from"]))
			if err != nil {
				return nil, fmt.Errorf("from: %w", err)
			}
			to, err := kg.ParseDate(fmt.Sprint(v["to"]))
			if err != nil {
				return nil, fmt.Errorf("to: %w", err)
			}
			lo, hi, _ := kg.DateWindow(from, to)
			return map[string]any{"categories": []string{string(kg.CategoryMeeting), string(kg.CategoryInvestment)},
				"lo": lo, "hi": hi, "limit": EventsFirst + 1}, nil
		},
		answer: func(_ map[string]any, recs []*neo4j.Record) (any, error) {
			if len(recs) != 1 {
				return nil, fmt.Errorf("%d records, want 1", len(recs))
			}
			m := recs[0].AsMap()
			page, _ := m["page"].([]any)
			edges := []any{}
			for i, n := range page {
				if i == EventsFirst {
					break
				}
				edges = append(edges, map[string]any{"node": n})
			}
			return map[string]any{"events": map[string]any{
				"totalCount": m["total"], "edges": edges,
				"pageInfo": map[string]any{"hasNextPage": len(page) > EventsFirst},
			}}, nil
		},
	},
}

// NewDriver returns a driver with the settings neo4jstore.Open gives
// Puente's, authenticated as NEO4J_USERNAME with NEO4J_PASSWORD when either
// is set, as Puente is.
func NewDriver(uri string) (neo4j.DriverWithContext, error) {
	auth := neo4j.NoAuth()
	if user, password := os.Getenv("NEO4J_USERNAME"), os.Getenv("NEO4J_PASSWORD"); user != "" || password != "" {
		auth = neo4j.BasicAuth(user, password, "")
	}
	driver, err := neo4j.NewDriverWithContext(uri, auth, func(c *neo4j.Config) {
		c.MaxConnectionPoolSize = 50
		c.ConnectionAcquisitionTimeout = 10 * time.Second
		c.SocketConnectTimeout = 5 * time.Second
		c.MaxTransactionRetryTime = 3 * time.Second
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j driver for %s: %w", uri, err)
	}
	return driver, nil
}

// Floor returns a Request that fetches the workload's answer with its
// hand-written statement, sent in the given style.
func Floor(driver neo4j.DriverWithContext, workload string, vars func(i int) map[string]any, style FloorStyle) (Request, error) {
	if _, ok := floorQueries[workload]; !ok {
		return nil, fmt.Errorf("no floor statement for %s", workload)
	}
	return func(ctx context.Context, i int) error {
		_, err := FloorAnswer(ctx, driver, workload, vars(i), style)
		return err
	}, nil
}

// FloorAnswer runs the workload's floor statement with the variables and
// returns the answer, shaped like the data of Puente's GraphQL answer to
// the workload's document.
func FloorAnswer(ctx context.Context, driver neo4j.DriverWithContext, workload string, vars map[string]any, style FloorStyle) (any, error) {
	q, ok := floorQueries[workload]
	if !ok {
		return nil, fmt.Errorf("no floor statement for %s", workload)
	}
	params, err := q.params(vars)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", workload, err)
	}
	recs, err := readFloor(ctx, driver, q.cypher, params, style)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", workload, err)
	}
	return q.answer(vars, recs)
}

// readFloor sends one statement in the given style and collects its
// records. Like a GraphQL request, it fails after RequestTimeout, and
// Neo4j stops the statement then too, so that one slow statement cannot
// hold a run.
func readFloor(ctx context.Context, driver neo4j.DriverWithContext, cypher string, params map[string]any, style FloorStyle) ([]*neo4j.Record, error) {
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	if style == Transaction {
		res, err := neo4j.ExecuteQuery(ctx, driver, cypher, params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithReadersRouting(), neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(RequestTimeout)))
		if err != nil {
			return nil, err
		}
		return res.Records, nil
	}
	session := driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      neo4j.AccessModeRead,
		BookmarkManager: driver.ExecuteQueryBookmarkManager(),
	})
	defer session.Close(ctx)
	res, err := session.Run(ctx, cypher, params, neo4j.WithTxTimeout(RequestTimeout))
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// stringList converts a list of kg's string types to plain strings, the
// values the driver sends.
func stringList[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = string(x)
	}
	return out
}

// escapeLucene escapes every character of Lucene's query syntax, as
// neo4jstore does, so that search text is always data.
func escapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`+-&|!(){}[]^"~*?:\/ `, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
