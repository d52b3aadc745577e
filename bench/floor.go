package bench

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/puente-kg/puente/kg"
)

// The floor: each workload's answer fetched by hand-written Cypher through
// the Go driver, with no GraphQL layer, one statement per request.
var floorCypher = map[string]string{
	"entityNested": `
MATCH (p:Entity {id: $id})
OPTIONAL MATCH (p)-[r:PARTICIPATED_IN]->(e:Event)
OPTIONAL MATCH (e)<-[r2:PARTICIPATED_IN]-(o:Entity)
WITH p, r, e, collect({role: r2.role, id: o.id, name: o.name}) AS participants
RETURN p.name AS name, collect({role: r.role, event: e.name, participants: participants}) AS participations`,
	"whoMet": `
MATCH (me:Entity {id: $id})-[mine:PARTICIPATED_IN]->(ev:Event)<-[theirs:PARTICIPATED_IN]-(other:Entity)
WHERE ev.category IN ['MEETING', 'PARTNERSHIP_TALKS'] AND other <> me
  AND NOT mine.role IN ['SUBJECT', 'TARGET'] AND NOT theirs.role IN ['SUBJECT', 'TARGET']
WITH other, collect(DISTINCT {id: ev.id, name: ev.name, date: ev.date}) AS meetings
RETURN other.id AS id, other.name AS name, meetings
ORDER BY other.sortName, other.id`,
	"investmentsInto": `
MATCH (inv:Entity)-[:PARTICIPATED_IN {role: 'INVESTOR'}]->(ev:Event)-[:HELD_AT]->(pl:Entity)
WHERE pl.id = $countryId OR EXISTS { MATCH (pl)-[:LOCATED_IN*1..3]->(:Entity {id: $countryId}) }
RETURN inv.name AS investor, pl.name AS target, ev.id AS event, ev.amount AS amount, ev.amountCurrency AS currency
ORDER BY ev.sortKey, ev.id`,
	"neighborhood": `
MATCH (c:Entity {id: $id})
OPTIONAL MATCH (c)-[r1]-(n1:Entity)
WITH c, collect(DISTINCT n1) AS ring1, collect(DISTINCT r1) AS rels1
UNWIND (CASE WHEN size(ring1) = 0 THEN [null] ELSE ring1 END) AS n1
OPTIONAL MATCH (n1)-[r2]-(n2:Entity) WHERE COUNT { (n1)--() } <= 50
WITH c, ring1, rels1, collect(DISTINCT n2) AS ring2, collect(DISTINCT r2) AS rels2
WITH ([c] + ring1 + [n IN ring2 WHERE NOT n IN ring1 AND n <> c])[..200] AS nodes, rels1 + rels2 AS rels
WITH nodes, [r IN rels WHERE startNode(r) IN nodes AND endNode(r) IN nodes] AS rels
RETURN [n IN nodes | {id: n.id, label: n.name, kind: n.kind}] AS nodes,
       [r IN rels | {id: r.id, source: startNode(r).id, target: endNode(r).id, type: type(r), label: r.role}] AS edges`,
	"paths": `
MATCH p = SHORTEST 5 (a:Entity {id: $from})-[]-{1,4}(b:Entity {id: $to})
RETURN length(p) AS length, [n IN nodes(p) | {id: n.id, label: n.name}] AS nodes,
       [r IN relationships(p) | {id: r.id, type: type(r), label: r.role}] AS edges`,
	"search": `
CALL db.index.fulltext.queryNodes('entity_search', $lucene, {limit: 10})
YIELD node, score
RETURN node.id AS id, node.name AS name, score`,
	"eventsPage": `
CALL {
  MATCH (e:Event) WHERE e.category IN ['MEETING', 'INVESTMENT'] AND e.dateFirst <= $to AND e.dateLast >= $from
  RETURN count(e) AS total
}
CALL {
  MATCH (e:Event) WHERE e.category IN ['MEETING', 'INVESTMENT'] AND e.dateFirst <= $to AND e.dateLast >= $from
  WITH e ORDER BY e.sortKey, e.id LIMIT 20
  RETURN collect({id: e.id, name: e.name, date: e.date}) AS page
}
RETURN total, page`,
}

// Floor returns a Request running the workload's hand-written Cypher.
func Floor(driver neo4j.DriverWithContext, workload string, vars func(i int) map[string]any) (Request, error) {
	cypher, ok := floorCypher[workload]
	if !ok {
		return nil, fmt.Errorf("no floor statement for %s", workload)
	}
	return func(ctx context.Context, i int) error {
		params := vars(i)
		if workload == "search" {
			params = map[string]any{"lucene": lucene(fmt.Sprint(params["query"]))}
		}
		_, err := neo4j.ExecuteQuery(ctx, driver, cypher, params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithReadersRouting())
		return err
	}, nil
}

// lucene turns search text into the prefix query Puente sends.
func lucene(text string) string {
	var clauses []string
	for _, t := range kg.Tokens(text) {
		clauses = append(clauses, "+"+t+"*")
	}
	return strings.Join(clauses, " ")
}
