package neo4jstore

import (
	"strconv"
	"strings"

	"github.com/puente-kg/puente/kg"
)

// The statements of Neighborhood and Paths: each answers its root field
// whole in one round trip. Quantifier bounds and the number of levels
// cannot be parameters, so there is one statement per depth and per
// maximum length, each built from the constant fragments below; values
// travel as parameters.

// ownRelations reads, for the node {x}, its first {max} relations of
// $bases by ID into {rs}.
const ownRelations = `
  MATCH ({x})-[r]-(:Entity)
  WHERE size($bases) = 0 OR coalesce(r.basis, 'STATED') IN $bases
  WITH DISTINCT r ORDER BY r.id LIMIT {max}
  RETURN collect(r) AS {rs}`

// nbCenter binds c to the center $id (null when unknown) and its first
// $center relations; l0 holds its level: one entry {x, hub, own} per
// node, own being the relations it keeps; s0 the nodes seen.
const nbCenter = `
OPTIONAL MATCH (c:Entity {id: $id})
CALL (c) {` + ownRelations + `
}
WITH c, [{x: c, hub: false, own: r0}] AS l0, CASE WHEN c IS NULL THEN [] ELSE [c] END AS s0`

// nbLevel reads the relations of the nodes of frontier f{i} into level
// l{i}: at most $hub + 1 each, a self-loop counted at both of its ends,
// as kg.WalkNeighborhood counts them; a node with more than $hub is a hub
// and keeps its first $hub.
const nbLevel = `
CALL (f{i}) {
  UNWIND f{i} AS x
  CALL (x) {` + ownRelations + `
  }
  WITH x, reduce(a = [], r IN rs | a + CASE WHEN startNode(r) = endNode(r) THEN [r, r] ELSE [r] END) AS rs
  RETURN collect({x: x, hub: size(rs) > $hub, own: rs[..$hub]}) AS l{i}
}`

// nbNext finds the next frontier f{n}, by ID: the nodes that the kept
// relations of level l{i}'s nodes other than hubs reach, of $kinds, not
// seen before; s{n} adds them to the nodes seen. {gate} skips the work
// when it cannot change the answer.
const nbNext = `
CALL (l{i}, s{i}) {
  UNWIND l{i} AS e
  WITH e WHERE NOT e.hub{gate}
  UNWIND e.own AS r
  WITH DISTINCT CASE WHEN startNode(r) = e.x THEN endNode(r) ELSE startNode(r) END AS n
  WHERE NOT n IN s{i} AND (size($kinds) = 0 OR n.kind IN $kinds)
  WITH n ORDER BY n.id
  RETURN collect(n) AS f{n}
}
WITH *, s{i} + f{n} AS s{n}`

// nbLastGate skips the last frontier when the nodes seen before it
// already pass the limit: its nodes would all be cut, and the answer is
// truncated either way.
const nbLastGate = ` AND size(s{i}) <= $limit`

// nbResult keeps the first $limit nodes seen (by distance, then ID, as
// the frontiers are in that order), the kept relations among them, and
// the hubs of every level.
const nbResult = `
WITH *, s{d}[..$limit] AS nodes, size(s{d}) > $limit AS truncated
CALL ({levels}, nodes) {
  UNWIND {all} AS e
  WITH e WHERE e.x IN nodes
  UNWIND e.own AS r
  WITH DISTINCT r WHERE startNode(r) IN nodes AND endNode(r) IN nodes
  WITH r ORDER BY r.id
  RETURN collect(r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}) AS edges
}
RETURN [n IN nodes | n {.*}] AS nodes, edges, truncated, [e IN {all} WHERE e.hub | e.x.id] AS hubs`

// cypherNeighborhood holds Neighborhood's statement for each depth (index
// depth-1).
var cypherNeighborhood = func() (out [kg.MaxDepth]string) {
	for d := range out {
		out[d] = neighborhoodStatement(d + 1)
	}
	return out
}()

// neighborhoodStatement builds the statement of a neighborhood of the
// given depth: kg.WalkNeighborhood's walk, one subquery per level.
func neighborhoodStatement(depth int) string {
	var b strings.Builder
	b.WriteString(strings.NewReplacer("{x}", "c", "{max}", "$center", "{rs}", "r0").Replace(nbCenter))
	levels := []string{"l0"}
	for i := 0; i < depth; i++ {
		level := ""
		if i > 0 {
			level = strings.NewReplacer("{x}", "x", "{max}", "$hub + 1", "{rs}", "rs").Replace(nbLevel)
			levels = append(levels, "l"+strconv.Itoa(i))
		}
		gate := ""
		if i == depth-1 {
			gate = nbLastGate
		}
		level += strings.ReplaceAll(nbNext, "{gate}", gate)
		b.WriteString(strings.NewReplacer("{i}", strconv.Itoa(i), "{n}", strconv.Itoa(i+1)).Replace(level))
	}
	b.WriteString(strings.NewReplacer("{d}", strconv.Itoa(depth), "{levels}", strings.Join(levels, ", "),
		"{all}", strings.Join(levels, " + ")).Replace(nbResult))
	return b.String()
}

// pathsMerge follows a match of walks p: it keeps the walks that repeat no
// node and pass only through nodes of $kinds, at most $cap of them, and
// merges those over the same nodes (ns) into one path that takes, at each
// hop, the relation of smallest ID (rs), as kg.FinishPaths does, counting
// the walks merged (w).
const pathsMerge = `
  WITH nodes(p) AS ns, relationships(p) AS rs
  WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
    AND (size($kinds) = 0 OR all(n IN ns[1..-1] WHERE n.kind IN $kinds))
  WITH ns, rs LIMIT $cap
  WITH ns, collect(rs) AS walks
  WITH ns, size(walks) AS w, [i IN range(0, size(ns) - 2) |
    reduce(m = null, x IN walks | CASE WHEN m IS NULL OR x[i].id < m.id THEN x[i] ELSE m END)] AS rs`

// pathsAll finds the walks of one to {m} relations at once, as the floor
// and the peer do, with one search: on most graphs the cheapest way. It
// keeps the walks that repeat no node and pass only through nodes of
// $kinds, at most $cap of them, merges them as pathsLength does, and keeps
// the first $limit paths by length and node IDs. When the walks are no
// more than $most, that is the answer (done) and the lengths one at a time
// below are skipped; otherwise, as through hubs, they start from nothing.
const pathsAll = `
CALL () {` + walksHead + `{1,{m}}` + walksEnd + pathsMerge + `
  ORDER BY size(ns), [n IN ns | n.id]
  RETURN collect({ns: ns, rs: rs})[..$limit] AS p, count(*) AS d, sum(w) AS w
}
WITH p, d, w <= $most AS done
WITH CASE WHEN done THEN p ELSE [] END AS paths, CASE WHEN done THEN d ELSE 0 END AS found, false AS over, done`

// pathsLength finds the walks of exactly {k} relations (stated ones only
// when $stated) with SHORTEST GROUPS, unless $limit paths are found
// already or a length had too many walks: its WHERE comes before the
// MATCH, so a length not needed is not expanded. It asks for the walks
// of one to {k} relations and keeps those of {k}: a quantifier {k,k}
// makes the planner enumerate every trail of that length from one end
// (69 million database hits for 6 where the bidirectional search of
// SHORTEST makes 315). It keeps the walks that
// repeat no node and pass only through nodes of $kinds, at most $cap of
// them, and merges those over the same nodes into one path that takes, at
// each hop, the relation of smallest ID (as kg.FinishPaths does). It
// counts the walks (w) and the paths (d), and keeps the first $limit paths
// by node IDs.
const pathsLength = `
CALL (found, over, done) {
  WITH * WHERE NOT done AND found < $limit AND NOT over` + walksHead + `{1,{k}}` + walksOf + `{k}` + pathsMerge + `
  ORDER BY [n IN ns | n.id]
  RETURN collect({ns: ns, rs: rs})[..$limit] AS p, count(*) AS d, sum(w) AS w
}
WITH paths + p AS paths, found + d AS found, over OR w > $most AS over, done`

// pathsResult returns the first $limit paths with their nodes and
// relations, the number of paths found and whether a length had too many
// walks.
const pathsResult = `
RETURN [x IN paths[..$limit] | {
  nodes: [n IN x.ns | n {.*}],
  edges: [r IN x.rs | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}]
}] AS paths, found, over`

// cypherPaths holds Paths' statement for each maximum length (index
// maxLength-1): every length at once, then, only when that finds too many
// walks, one gated subquery per length, shortest first.
var cypherPaths = func() (out [kg.MaxPathLength]string) {
	for m := range out {
		var b strings.Builder
		b.WriteString(strings.ReplaceAll(pathsAll, "{m}", strconv.Itoa(m+1)))
		for k := 1; k <= m+1; k++ {
			b.WriteString(strings.ReplaceAll(pathsLength, "{k}", strconv.Itoa(k)))
		}
		b.WriteString(pathsResult)
		out[m] = b.String()
	}
	return out
}()
