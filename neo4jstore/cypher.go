package neo4jstore

import (
	"strings"

	"github.com/puente-kg/puente/kg"
)

// Every statement the store sends is one of these constants; values always
// travel as parameters.

// migrations are applied in order at start-up; each is idempotent.
var migrations = []string{
	`CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE`,
	`CREATE CONSTRAINT source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE`,
	`CREATE CONSTRAINT redirect_id IF NOT EXISTS FOR (r:Redirect) REQUIRE r.id IS UNIQUE`,
	`CREATE INDEX redirect_to IF NOT EXISTS FOR (r:Redirect) ON (r.to)`,
	// The full-text index covers the name and every alias: searchText holds
	// their folded tokens (see kg.Entity.SearchText), so that matching is
	// case- and accent-insensitive on every backend alike.
	"CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (e:Entity) ON EACH [e.searchText] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
	`CREATE INDEX entity_sort_name IF NOT EXISTS FOR (e:Entity) ON (e.sortName)`,
	`CREATE INDEX event_sort_key IF NOT EXISTS FOR (e:Event) ON (e.sortKey)`,
	`CREATE INDEX event_date_first IF NOT EXISTS FOR (e:Event) ON (e.dateFirst)`,
	`CREATE INDEX event_date_last IF NOT EXISTS FOR (e:Event) ON (e.dateLast)`,
	`CREATE INDEX event_category IF NOT EXISTS FOR (e:Event) ON (e.category)`,
	`CREATE INDEX participation_role IF NOT EXISTS FOR ()-[r:PARTICIPATED_IN]-() ON (r.role)`,
	// The change log: entries by sequence number, and the one counter
	// that numbers them (see cypherLogChange), created once, after the
	// last entry if the log has any.
	`CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE`,
	`CREATE CONSTRAINT change_counter_id IF NOT EXISTS FOR (k:ChangeCounter) REQUIRE k.id IS UNIQUE`,
	`OPTIONAL MATCH (c:Change) WITH max(c.seq) AS last
MERGE (k:ChangeCounter {id: 'puente'}) ON CREATE SET k.seq = coalesce(last, 0)`,
	`MERGE (m:SchemaMigration {id: 'puente'}) SET m.version = $version`,
}

// schemaVersion is recorded by the last migration; bump it when adding one.
const schemaVersion = 2

const cypherSchemaVersion = `OPTIONAL MATCH (m:SchemaMigration {id: 'puente'}) RETURN m.version AS version`

const cypherSeedSources = `
UNWIND $rows AS row
MERGE (s:Source {id: row.id})
SET s = row`

const cypherSeedEntities = `
UNWIND $rows AS row
MERGE (e:Entity {id: row.props.id})
SET e = row.props, e:$(row.label)`

// cypherPutRelations holds, for each relation type, the statement that
// merges relations of that type by ID between their ends, and counts
// them. The type is written into the statement from kg.RelationTypes,
// never from input: with a dynamic type, $(row.type), Neo4j 5.26 plans
// the MERGE as a scan of every relationship in the database for each
// row, which made a bulk import quadratic (250,000 relations in 25
// minutes at 1M entities); with a static one it expands between the two
// ends. Each is replanned on every run: a plan cached while the database
// was small can scan every relationship too.
var cypherPutRelations = func() map[kg.RelationType]string {
	m := make(map[kg.RelationType]string, len(kg.RelationTypes))
	for _, t := range kg.RelationTypes {
		m[t] = strings.ReplaceAll(putRelationsOf, "{type}", string(t))
	}
	return m
}()

const putRelationsOf = `CYPHER replan=force
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
MERGE (a)-[r:{type} {id: row.props.id}]->(b)
SET r = row.props
RETURN count(r) AS written`

const cypherEntities = `
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e {.*} AS e`

const cypherSources = `
UNWIND $ids AS id
MATCH (s:Source {id: id})
RETURN s {.*} AS s`

// cypherQuotingRelations and cypherQuotingEntities find the facts that
// quote a source: relations that cite it with a quote, and entities whose
// discrepancies (a JSON string, see entityProps) name it, which $needle
// matches.
const (
	cypherQuotingRelations = `
MATCH (:Entity)-[r]->(:Entity)
WHERE r.quote IS NOT NULL AND $id IN r.sources
RETURN r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id} AS r
LIMIT $max`
	cypherQuotingEntities = `
MATCH (e:Entity)
WHERE e.discrepancies CONTAINS $needle
RETURN e {.*} AS e
LIMIT $max`
)

// countGuard starts the subquery that counts a list: when the request
// does not ask for the count ($count false), no row enters it, so the
// count's match never runs and the subquery returns 0.
const countGuard = `
  WITH $count AS counting WITH counting WHERE counting
`

// entityFilter is shared by the count and the page of ListEntities.
const entityFilter = `
MATCH (e:Entity)
WHERE (size($kinds) = 0 OR e.kind IN $kinds)
  AND ($country = '' OR EXISTS {
        MATCH (e)-[:BASED_IN|LOCATED_IN|CITIZEN_OF]->(:Entity {id: $country}) })`

// cypherListEntities seeks the page's first entity in the sortName index
// (e.sortName >= $afterKey, which holds for every name when there is no
// cursor) and reads the index in order until the page is full, rather
// than sorting every entity for each page.
var cypherListEntities = listStatement(entityFilter, `
    AND e.sortName >= $afterKey`, "sortName", false)

// memberPattern matches the members of an entity: kg.MemberRelations, at
// most kg.MemberDepth of them, followed backwards.
const memberPattern = `-[:BASED_IN|LOCATED_IN|CITIZEN_OF|PART_OF|HOLDS_POSITION*0..3]->`

const eventFilter = `
MATCH (e:Event)
WHERE (size($categories) = 0 OR e.category IN $categories)
  AND ($dated = false OR (e.dateFirst IS NOT NULL AND e.dateFirst <= $hi AND e.dateLast >= $lo))
  AND CASE WHEN $participant = '' THEN true ELSE EXISTS {
        MATCH (:Entity {id: $participant})-[p:PARTICIPATED_IN]->(e) WHERE $role = '' OR p.role = $role } END
  AND CASE WHEN $country = '' THEN true ELSE EXISTS {
        MATCH (m:Entity)` + memberPattern + `(:Entity {id: $country})
        WHERE (m)-[:PARTICIPATED_IN]->(e) OR (e)-[:HELD_AT]->(m) } END
  AND ($amounts = false OR (e.amount IS NOT NULL
        AND ($minAmount IS NULL OR e.amount >= $minAmount)
        AND ($maxAmount IS NULL OR e.amount <= $maxAmount)
        AND ($currency = '' OR e.amountCurrency = $currency)))
  AND ($reported = false OR EXISTS {
        MATCH (s:Source) WHERE s.id IN e.sources AND s.publishedAt IS NOT NULL
          AND ` + publishedFirst + ` <= $reportedHi AND ` + publishedLast + ` >= $reportedLo })`

// publishedFirst and publishedLast are the first and last day of the
// period a source's publishedAt names ("2021", "2021-11" or "2021-11-10"),
// as strings that compare with real days as the days would: a month ends
// on its "31st", which no real day of a later month precedes.
const (
	publishedFirst = `CASE size(s.publishedAt) WHEN 4 THEN s.publishedAt + '-01-01' WHEN 7 THEN s.publishedAt + '-01' ELSE s.publishedAt END`
	publishedLast  = `CASE size(s.publishedAt) WHEN 4 THEN s.publishedAt + '-12-31' WHEN 7 THEN s.publishedAt + '-31' ELSE s.publishedAt END`
)

// stated is true of a relationship r that a source states, or of any when
// $stated is false; a relationship written before bases existed has no
// basis and is STATED.
const stated = `($stated = false OR coalesce(r.basis, 'STATED') = 'STATED')`

var (
	cypherListEvents     = listStatement(eventFilter, "", "sortKey", false)
	cypherListEventsDesc = listStatement(eventFilter, "", "sortKey", true)
)

var cypherListSources = listStatement(`MATCH (e:Source)`, "", "id", false)

// whoMetMatch matches the meetings of $id and the others who took part,
// leaving out the organizations $id belongs to (kg.OwnRelations, at most
// kg.MemberDepth of them).
const whoMetMatch = `
MATCH (me:Entity {id: $id})-[mine:PARTICIPATED_IN]->(ev:Event)<-[theirs:PARTICIPATED_IN]-(other:Entity)
WHERE ev.category IN $categories AND other <> me
  AND NOT mine.role IN $passive AND NOT theirs.role IN $passive
  AND ($dated = false OR (ev.dateFirst IS NOT NULL AND ev.dateFirst <= $hi AND ev.dateLast >= $lo))
  AND ($stated = false OR (coalesce(mine.basis, 'STATED') = 'STATED' AND coalesce(theirs.basis, 'STATED') = 'STATED'))
  AND NOT (other:Organization AND EXISTS { MATCH (me)-[:HOLDS_POSITION|MEMBER_OF|PART_OF*1..3]->(other) })`

// cypherWhoMet returns a page of the contacts by folded name and ID, each
// with at most $maxMeetings meetings in date order.
const cypherWhoMet = whoMetMatch + `
WITH DISTINCT other, ev
WHERE $after = false OR other.sortName > $afterKey OR (other.sortName = $afterKey AND other.id > $afterId)
WITH other, ev ORDER BY ev.sortKey, ev.id
WITH other, collect(ev.id)[..$maxMeetings] AS meetings
RETURN other.id AS id, other.sortName AS key, meetings
ORDER BY other.sortName, other.id
LIMIT $limit`

const cypherCountWhoMet = whoMetMatch + `
RETURN count(DISTINCT other) AS total`

// investmentsTail finds each event's targets (its TARGET participants or,
// when it has none, the places it was held at) and keeps the investments
// into $target or a place within it, through stated relations only when
// $stated.
const investmentsTail = `
WITH DISTINCT inv, ev
OPTIONAL MATCH (tgt:Entity)-[r:PARTICIPATED_IN {role: 'TARGET'}]->(ev) WHERE ` + stated + `
WITH inv, ev, collect(DISTINCT tgt) AS targets
OPTIONAL MATCH (ev)-[r:HELD_AT]->(place:Entity) WHERE ` + stated + `
WITH inv, ev, targets, collect(DISTINCT place) AS places
WITH inv, ev, CASE WHEN size(targets) > 0 THEN targets ELSE places END AS targets
UNWIND targets AS t
WITH inv, ev, t
WHERE $target = '' OR t.id = $target
   OR EXISTS { MATCH (t)-[hops:LOCATED_IN*1..3]->(:Entity {id: $target})
               WHERE $stated = false OR all(r IN hops WHERE coalesce(r.basis, 'STATED') = 'STATED') }
WITH DISTINCT inv.id AS investor, t.id AS target, ev.id AS event, ev.sortKey AS sortKey`

// investmentsPage cuts a page of the investments in date order, then by
// event, investor and target (the key of kg.Investment cursors).
const investmentsPage = `
WITH investor, target, event, sortKey, event + '\u0001' + investor + '\u0001' + target AS k
WHERE $after = false OR sortKey > $afterKey OR (sortKey = $afterKey AND k > $afterId)
RETURN investor, target, event, sortKey, k
ORDER BY sortKey, k
LIMIT $limit`

const investmentsCount = `
RETURN count(*) AS total`

const investmentsWhere = `
WHERE ($investor = '' OR inv.id = $investor)
  AND ($dated = false OR (ev.dateFirst IS NOT NULL AND ev.dateFirst <= $hi AND ev.dateLast >= $lo))
  AND ` + stated

// investmentsFrom starts from every investor's participations.
const investmentsFrom = `
MATCH (inv:Entity)-[r:PARTICIPATED_IN {role: 'INVESTOR'}]->(ev:Event)` + investmentsWhere + investmentsTail

// investmentsInto starts from the target and the places within it, so
// that asking about one country does not read every investment.
const investmentsInto = `
MATCH (:Entity {id: $target})<-[:LOCATED_IN*0..3]-(t:Entity)
CALL {
  WITH t MATCH (t)-[:PARTICIPATED_IN {role: 'TARGET'}]->(ev:Event) RETURN ev
  UNION
  WITH t MATCH (ev:Event)-[:HELD_AT]->(t) RETURN ev
}
WITH DISTINCT ev
MATCH (inv:Entity)-[r:PARTICIPATED_IN {role: 'INVESTOR'}]->(ev)` + investmentsWhere + investmentsTail

// cypherInvestments holds the page and count statements, [into][count].
var cypherInvestments = [2][2]string{
	{investmentsFrom + investmentsPage, investmentsFrom + investmentsCount},
	{investmentsInto + investmentsPage, investmentsInto + investmentsCount},
}

const cypherSearch = `
CALL db.index.fulltext.queryNodes('entity_search', $query, {limit: $limit})
YIELD node
RETURN node {.*} AS e`

const cypherStats = `
CALL { MATCH (e:Entity) RETURN count(e) AS entities }
CALL { MATCH (s:Source) RETURN count(s) AS sources }
CALL { MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS relations }
RETURN entities, sources, relations`

// cypherDeleteRelationships and cypherDeleteNodes empty the graph in
// batches, each batch its own transaction, relationships first: deleting a
// hub node with its tens of thousands of relationships in one batch runs
// the server out of heap. They run as auto-commit statements.
const cypherDeleteRelationships = `
MATCH (:Entity)-[r]->(:Entity)
CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS`

const cypherDeleteNodes = `
MATCH (n) WHERE n:Entity OR n:Source OR n:Redirect
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`

// cypherDeleteChanges and cypherResetChanges empty the change log and
// number it from 1 again, for DeleteAll.
const (
	cypherDeleteChanges = `
MATCH (c:Change)
CALL { WITH c DELETE c } IN TRANSACTIONS OF 10000 ROWS`
	cypherResetChanges = `MATCH (k:ChangeCounter {id: 'puente'}) SET k.seq = 0, k.at = null, k.pruned = null`
)

// cypherCheckVersions write-locks each expected entity by bumping its
// version, and returns the version it had, -1 for an absent one.
const cypherCheckVersions = `
UNWIND $expect AS x
OPTIONAL MATCH (e:Entity {id: x.id})
FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END | SET e.version = coalesce(e.version, 0) + 1)
RETURN x.id AS id, x.version AS want, CASE WHEN e IS NULL THEN -1 ELSE e.version - 1 END AS have`

const cypherDeleteRelations = `
UNWIND $rels AS x
MATCH (:Entity {id: x.from})-[r {id: x.id}]->(:Entity {id: x.to})
DELETE r`

const cypherDeleteEntities = `
UNWIND $ids AS id
MATCH (e:Entity {id: id})
DETACH DELETE e
WITH count(*) AS deleted
MATCH (r:Redirect) WHERE r.to IN $ids
DELETE r`

const cypherPutRedirects = `
UNWIND $rows AS row
MERGE (x:Redirect {id: row.from})
SET x.to = row.to
WITH row
MATCH (old:Redirect {to: row.from})
SET old.to = row.to`

const cypherRedirect = `MATCH (r:Redirect {id: $id}) RETURN r.to AS to`

const cypherRedirects = `
UNWIND $ids AS id
MATCH (r:Redirect {id: id})
RETURN r.id AS from, r.to AS to`

// cypherPrepareEntities runs before the entities of a change set are put:
// it returns those whose ID was merged away (the write is then refused),
// and creates a bare node for each entity the plan found absent, so that
// the uniqueness constraint on Entity.id makes a concurrent write creating
// the same ID wait for this one and then fail, rather than both passing
// the version check and the second overwriting the first.
const cypherPrepareEntities = `
UNWIND $rows AS row
OPTIONAL MATCH (r:Redirect {id: row.id})
FOREACH (_ IN CASE WHEN row.create AND r IS NULL THEN [1] ELSE [] END |
  CREATE (:Entity {id: row.id}))
WITH row, r WHERE r IS NOT NULL
RETURN row.id AS id, r.to AS to`

const cypherDumpSources = `MATCH (s:Source) RETURN s {.*} AS s ORDER BY s.id`

const cypherDumpEntities = `MATCH (e:Entity) RETURN e {.*} AS e ORDER BY e.id`

const cypherDumpRelations = `
MATCH (:Entity)-[r]->(:Entity)
RETURN r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id} AS r
ORDER BY r.id`

const cypherDumpRedirects = `MATCH (r:Redirect) RETURN r.id AS from, r.to AS to ORDER BY from`

// cypherRelations returns each entity's first $max relations of $bases
// (any basis when empty) by ID; a relation between two of them comes once.
const cypherRelations = `
UNWIND $ids AS id
CALL {
  WITH id
  MATCH (:Entity {id: id})-[r]-(:Entity)
  WHERE size($bases) = 0 OR coalesce(r.basis, 'STATED') IN $bases
  WITH DISTINCT r ORDER BY r.id LIMIT $max
  RETURN r
}
WITH DISTINCT r
RETURN r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id} AS r
ORDER BY r.id`

// cypherRelationsByID finds relations by ID from their ends, which the ID
// names, so that the entity index finds them.
const cypherRelationsByID = `
UNWIND $rows AS x` + relationBetween + `
RETURN r {.*, type: type(r), from: x.from, to: x.to} AS r`

// relationBetween matches, for the row x, the relation r of ID x.id from
// x.from to x.to. Both ends are found first and the relation between them
// in a subquery, where both are bound: the planner must then expand from
// the end with fewer relations (Expand(Into)). As one pattern, it expanded
// every relation of the end it chose, often a hub (a country, at 1M
// entities tens of thousands), for every row.
const relationBetween = `
MATCH (a:Entity {id: x.from})
MATCH (b:Entity {id: x.to})
CALL (a, b, x) {
  MATCH (a)-[r]->(b) WHERE r.id = x.id
  RETURN r
}`

// linkMatch matches, for the entity $ids[i], its relations r to other
// entities o that pass the filters of a kg.LinkQuery.
const linkMatch = `
  MATCH (x:Entity {id: $ids[i]})-[r]-(o:Entity)
  WHERE (size($types) = 0 OR type(r) IN $types)
    AND ($dir = '' OR ($dir = 'OUT' AND startNode(r) = x) OR ($dir = 'IN' AND endNode(r) = x))
    AND ($role = '' OR r.role = $role)
    AND ($category = '' OR o.category = $category)`

const linkRow = `{r: r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}, o: o.id, key: ''}`

// cypherLinks holds one statement per kg.LinkOrder; each returns, for every
// entity of $ids (by index i), one page of its links in that order.
var cypherLinks = [...]string{
	kg.LinksByID: `
UNWIND range(0, size($ids) - 1) AS i
CALL {
  WITH i` + linkMatch + `
  WITH DISTINCT r, o WHERE $after = false OR r.id > $afterId
  WITH r, o ORDER BY r.id LIMIT $limit
  RETURN collect(` + linkRow + `) AS links
}
RETURN i, links ORDER BY i`,
	kg.LinksByDate: `
UNWIND range(0, size($ids) - 1) AS i
CALL {
  WITH i` + linkMatch + `
  WITH DISTINCT r, o
  WHERE $after = false OR o.sortKey > $afterKey OR (o.sortKey = $afterKey AND r.id > $afterId)
  WITH r, o ORDER BY o.sortKey, r.id LIMIT $limit
  RETURN collect({r: r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}, o: o.id, key: o.sortKey}) AS links
}
RETURN i, links ORDER BY i`,
	kg.LinksByName: `
UNWIND range(0, size($ids) - 1) AS i
CALL {
  WITH i` + linkMatch + `
  WITH DISTINCT o
  WHERE $after = false OR o.sortName > $afterKey OR (o.sortName = $afterKey AND o.id > $afterId)
  WITH o ORDER BY o.sortName, o.id LIMIT $limit
  RETURN collect({r: null, o: o.id, key: o.sortName}) AS links
}
RETURN i, links ORDER BY i`,
}

// cypherCountLinks counts, for every entity of $ids, the links that
// cypherLinks pages through (distinct entities for kg.LinksByName).
const cypherCountLinks = `
UNWIND range(0, size($ids) - 1) AS i
CALL {
  WITH i` + linkMatch + `
  RETURN CASE WHEN $byName THEN count(DISTINCT o) ELSE count(DISTINCT r) END AS total
}
RETURN i, total ORDER BY i`

// cypherWalksExactly holds one statement per path length (index 0 for 1),
// since a quantifier's bounds cannot be parameters. Each finds every walk of
// exactly that many relations (stated ones only when $stated) with Cypher's
// SHORTEST GROUPS (one group per length), keeping those that repeat no node
// and pass only through nodes of the asked kinds. It asks for one to that
// many relations and keeps that many, since a quantifier {k,k} makes the
// planner enumerate every trail of that length from one end rather than
// search from both (see pathsLength).
var cypherWalksExactly = [kg.MaxPathLength]string{
	walksHead + `{1,1}` + walksEnd + walksTail,
	walksHead + `{1,2}` + walksOf + `2` + walksTail,
	walksHead + `{1,3}` + walksOf + `3` + walksTail,
	walksHead + `{1,4}` + walksOf + `4` + walksTail,
	walksHead + `{1,5}` + walksOf + `5` + walksTail,
	walksHead + `{1,6}` + walksOf + `6` + walksTail,
}

// cypherWalks finds walks of one to n relations (index n-1).
var cypherWalks = [kg.MaxPathLength]string{
	walksHead + `{1,1}` + walksEnd + walksTail,
	walksHead + `{1,2}` + walksEnd + walksTail,
	walksHead + `{1,3}` + walksEnd + walksTail,
	walksHead + `{1,4}` + walksEnd + walksTail,
	walksHead + `{1,5}` + walksEnd + walksTail,
	walksHead + `{1,6}` + walksEnd + walksTail,
}

// walksHead starts the match of walks: each hop's relation is stated when
// $stated, and each node it reaches is of $kinds or the end, so that a
// walk through another kind is pruned as it is found rather than after.
const walksHead = `
MATCH p = SHORTEST 6 GROUPS (a:Entity {id: $from})
  (()-[r WHERE ` + stated + `]-(n WHERE size($kinds) = 0 OR n.kind IN $kinds OR n.id = $to))`

// walksEnd ends the pattern of walks.
const walksEnd = ` (b:Entity {id: $to})`

// walksOf, followed by a length, keeps the walks of that length.
const walksOf = ` (b:Entity {id: $to})
WITH p WHERE length(p) = `

// walksTail ends the match of walks (after walksOf, or in place of it)
// and keeps simple walks of the asked kinds.
const walksTail = `
WITH nodes(p) AS ns, relationships(p) AS rs
WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
  AND (size($kinds) = 0 OR all(n IN ns[1..-1] WHERE n.kind IN $kinds))
RETURN [n IN ns | n.id] AS nodes, [r IN rs | r.id] AS edges
LIMIT $cap`

// timelineMatch matches the events of $id's timeline, through stated
// relations only when $stated.
const timelineMatch = `
MATCH (m:Entity)-[hops:BASED_IN|LOCATED_IN|CITIZEN_OF|PART_OF|HOLDS_POSITION*0..3]->(:Entity {id: $id})
WHERE $stated = false OR all(r IN hops WHERE coalesce(r.basis, 'STATED') = 'STATED')
WITH DISTINCT m
CALL {
  WITH m MATCH (m)-[r:PARTICIPATED_IN]->(ev:Event) WHERE ` + stated + ` RETURN ev
  UNION
  WITH m MATCH (ev:Event)-[r:HELD_AT]->(m) WHERE ` + stated + ` RETURN ev
}
WITH DISTINCT ev
WHERE (size($categories) = 0 OR ev.category IN $categories)
  AND ($dated = false OR (ev.dateFirst IS NOT NULL AND ev.dateFirst <= $hi AND ev.dateLast >= $lo))`

const cypherTimeline = timelineMatch + `
  AND ($after = false OR ev.sortKey > $afterKey OR (ev.sortKey = $afterKey AND ev.id > $afterId))
RETURN ev.id AS id, ev.sortKey AS key
ORDER BY ev.sortKey, ev.id
LIMIT $limit`

const cypherCountTimeline = timelineMatch + `
RETURN count(ev) AS total`

// The plain event lists serve the common filters (categories, dates) with
// predicates the planner can answer from the category and date indexes;
// the generic statements above, whose optional filters hang on parameters,
// keep it from using them. Index: [categories?][dated?][descending?].
var cypherListEventsPlain = [2][2][2]string{
	{
		{listStatement(`MATCH (e:Event)`, "", "sortKey", false), listStatement(`MATCH (e:Event)`, "", "sortKey", true)},
		{listStatement(plainDated, "", "sortKey", false), listStatement(plainDated, "", "sortKey", true)},
	},
	{
		{listStatement(plainCats, "", "sortKey", false), listStatement(plainCats, "", "sortKey", true)},
		{listStatement(plainBoth, "", "sortKey", false), listStatement(plainBoth, "", "sortKey", true)},
	},
}

const (
	plainCats  = `MATCH (e:Event) WHERE e.category IN $categories`
	plainDated = `MATCH (e:Event) WHERE e.dateFirst <= $hi AND e.dateLast >= $lo`
	plainBoth  = `MATCH (e:Event) WHERE e.category IN $categories AND e.dateFirst <= $hi AND e.dateLast >= $lo`
)

// listStatement builds, from constant parts only, the statement of a list
// of the nodes e that match: one row with their count (0 unless $count)
// and one page of them after the cursor ($afterKey, $afterId), ordered by
// the property key and then ID, ascending or descending. seek, when not
// empty, adds to the page's match a condition that lets the planner seek
// the first item in an index instead of sorting every match.
func listStatement(match, seek, key string, desc bool) string {
	after := `e.` + key + ` > $afterKey OR (e.` + key + ` = $afterKey AND e.id > $afterId)`
	order := `e.` + key + `, e.id`
	if desc {
		after = `e.` + key + ` < $afterKey OR (e.` + key + ` = $afterKey AND e.id < $afterId)`
		order = `e.` + key + ` DESC, e.id DESC`
	}
	return `
CALL {` + countGuard + match + `
  RETURN count(e) AS total
}
CALL {` + match + seek + `
  WITH e WHERE $after = false OR ` + after + `
  WITH e ORDER BY ` + order + ` LIMIT $limit
  RETURN collect(e {.*}) AS page
}
RETURN total, page`
}

// cypherLogChange writes the change log's entry of a write, inside the
// write's transaction. Incrementing the counter write-locks it until the
// transaction ends, so that the writes that log take their numbers one at
// a time, in commit order, and a write that rolls back gives its number
// back. The counter is locked by writing a property before it is read,
// as Neo4j's manual advises: incrementing it straight away, 8 concurrent
// writers met DeadlockDetected on it, and the driver retried them after a
// second or more (throughput fell from 430 to 56 writes/s, against 171
// with the lock first). The time is the database's, never earlier than
// the last entry's, so that entries are in time order as well. Migrate
// creates the counter.
const cypherLogChange = `
MATCH (k:ChangeCounter {id: 'puente'})
SET k._lock = true
SET k.seq = k.seq + 1
REMOVE k._lock
SET k.at = CASE WHEN k.at IS NOT NULL AND k.at > datetime.statement() THEN k.at ELSE datetime.statement() END
CREATE (c:Change {seq: k.seq, at: k.at, actor: $actor, op: $op, ids: $ids, kinds: $kinds,
  categories: $categories, truncated: $truncated, items: $items})
RETURN c.seq AS seq`

// cypherChanges returns the entries after $after that match the filters
// (each ignored when empty), in sequence order. It reads the seq index in
// order from $after and stops at the $first that match: ordering before
// the projection lets the planner take the index's order rather than sort
// every entry after $after.
const cypherChanges = `
MATCH (c:Change)
WHERE c.seq > $after
  AND (size($ids) = 0 OR any(x IN c.ids WHERE x IN $ids))
  AND (size($kinds) = 0 OR any(x IN c.kinds WHERE x IN $kinds))
  AND (size($categories) = 0 OR any(x IN c.categories WHERE x IN $categories))
WITH c ORDER BY c.seq LIMIT $first
RETURN c {.*} AS c`

// cypherLastChange returns the number of the last entry ever written,
// pruned or not.
const cypherLastChange = `OPTIONAL MATCH (k:ChangeCounter {id: 'puente'}) RETURN coalesce(k.seq, 0) AS seq`

// cypherPruneChanges deletes one batch of the entries committed before
// the time ($sec and $nsec since the epoch) and numbered at most $keep,
// oldest first. Entries are in time order (see cypherLogChange), so what
// it deletes is always a prefix of the log. The time is built in the
// database's default zone, as the entries' are: Neo4j orders two
// date-times of the same instant by their zones, so that a parameter in
// the zone UTC would come after an entry of the same instant at offset Z.
// The counter keeps the number of the last entry pruned (see
// cypherMarkPruned), by which Changes tells a cursor whose entries are
// gone.
const cypherPruneChanges = `
MATCH (c:Change)
WHERE c.seq <= $keep AND c.at < datetime({epochSeconds: $sec, nanosecond: $nsec})
WITH c ORDER BY c.seq LIMIT $batch
WITH c, c.seq AS seq
DELETE c
RETURN count(*) AS deleted, max(seq) AS top`

// cypherMarkPruned records, in the transaction that pruned, the number of
// the last entry pruned.
const cypherMarkPruned = `
MATCH (k:ChangeCounter {id: 'puente'})
WHERE coalesce(k.pruned, 0) < $top
SET k.pruned = $top`

// cypherPruned returns the number of the last entry pruned, 0 when none
// has been.
const cypherPruned = `OPTIONAL MATCH (k:ChangeCounter {id: 'puente'}) RETURN coalesce(k.pruned, 0) AS pruned`
