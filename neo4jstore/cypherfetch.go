package neo4jstore

import (
	"strconv"
	"strings"

	"github.com/puente-kg/puente/kg"
)

// The statements of the kg.Fetcher methods: each answers a root field with
// what its nested fields show, in one round trip. Like every statement,
// they are built from constant fragments only; values travel as
// parameters.

// expandRoot binds x0 to the entity $id or, when it was merged away, to
// the entity it was merged into.
const expandRoot = `
OPTIONAL MATCH (found:Entity {id: $id})
OPTIONAL MATCH (moved:Redirect {id: $id})
WITH CASE WHEN found IS NULL THEN moved.to ELSE $id END AS rootId
MATCH (x0:Entity {id: rootId})`

// expandMatch matches, for the entity {x}, its relations {r} to other
// entities {o} that pass the filters of level {n} (see linkMatch).
const expandMatch = `
CALL {
  WITH {x}
  MATCH ({x})-[{r}]-({o}:Entity)
  WHERE (size($types{n}) = 0 OR type({r}) IN $types{n})
    AND ($dir{n} = '' OR ($dir{n} = 'OUT' AND startNode({r}) = {x}) OR ($dir{n} = 'IN' AND endNode({r}) = {x}))
    AND ($role{n} = '' OR {r}.role = $role{n})
    AND ($category{n} = '' OR {o}.category = $category{n})`

// expandOrder cuts a page of each kg.LinkOrder, and expandRow describes a
// link of it; the key is the cursor's, as in cypherLinks.
var (
	expandOrder = [...]string{
		kg.LinksByID:   `WITH DISTINCT {r}, {o} ORDER BY {r}.id LIMIT $limit{n}`,
		kg.LinksByDate: `WITH DISTINCT {r}, {o} ORDER BY {o}.sortKey, {r}.id LIMIT $limit{n}`,
		kg.LinksByName: `WITH DISTINCT {o} ORDER BY {o}.sortName, {o}.id LIMIT $limit{n}`,
	}
	expandRow = [...]string{
		kg.LinksByID:   `{r: {r} {.*, type: type({r}), from: startNode({r}).id, to: endNode({r}).id}, o: {o} {.*}, key: ''`,
		kg.LinksByDate: `{r: {r} {.*, type: type({r}), from: startNode({r}).id, to: endNode({r}).id}, o: {o} {.*}, key: {o}.sortKey`,
		kg.LinksByName: `{r: null, o: {o} {.*}, key: {o}.sortName`,
	}
)

// expandLevel returns the subquery of level n (1 for the root's links) in
// the orders given for it and the levels below: it returns links{n}, one
// page of links of the entity x0 (the root) or o{n-1}, each with the links of the next
// level under it.
func expandLevel(n int, orders []kg.LinkOrder) string {
	next := `[]`
	inner := ""
	if len(orders) > 1 {
		inner = expandLevel(n+1, orders[1:])
		next = `links` + strconv.Itoa(n+1)
	}
	o := orders[0]
	text := expandMatch + "\n  " + expandOrder[o] + inner + "\n  RETURN collect(" + expandRow[o] + ", links: " + next + "}) AS links{n}\n}"
	x := "x0"
	if n > 1 {
		x = "o" + strconv.Itoa(n-1)
	}
	return strings.NewReplacer("{x}", x, "{r}", "r"+strconv.Itoa(n), "{o}", "o"+strconv.Itoa(n),
		"{n}", strconv.Itoa(n)).Replace(text)
}

// cypherExpand holds the statements of Expand: cypherExpand[""] for the
// entity alone, and one for every sequence of orders of its levels, keyed
// by the orders' digits ("1", "12", …).
var cypherExpand = expandStatements()

func expandStatements() map[string]string {
	out := map[string]string{"": expandRoot + "\nRETURN x0 {.*} AS e, [] AS links1"}
	var add func(orders []kg.LinkOrder)
	add = func(orders []kg.LinkOrder) {
		if len(orders) > 0 {
			out[orderKey(orders)] = expandRoot + expandLevel(1, orders) + "\nRETURN x0 {.*} AS e, links1"
		}
		if len(orders) == kg.MaxExpansionDepth {
			return
		}
		for o := kg.LinksByID; o <= kg.LinksByName; o++ {
			add(append(orders[:len(orders):len(orders)], o))
		}
	}
	add(nil)
	return out
}

func orderKey(orders []kg.LinkOrder) string {
	var b strings.Builder
	for _, o := range orders {
		b.WriteString(strconv.Itoa(int(o)))
	}
	return b.String()
}

// withCount makes, of the match of a page and of the tail that cuts it,
// two statements, [count]: the page's rows alone (each a map, row), and
// one row
// with the total (counted by count) and the page's rows collected in
// page. A page that does not ask for the total neither carries nor plans
// the count, nor the subqueries around the page, which cost seconds of
// planning on a server that has just started.
func withCount(match, count, tail, row string) [2]string {
	return [2]string{
		match + tail + `
RETURN {` + row + `} AS row`,
		`
CALL {` + match + count + `
}
CALL {` + match + tail + `
  RETURN collect({` + row + `}) AS page
}
RETURN total, page`,
	}
}

// cypherWhoMetWith is cypherWhoMet with the contacts' nodes and the nodes
// of their first $events meetings, [count].
var cypherWhoMetWith = withCount(whoMetMatch, `
  RETURN count(DISTINCT other) AS total`, `
  WITH DISTINCT other, ev
  WHERE $after = false OR other.sortName > $afterKey OR (other.sortName = $afterKey AND other.id > $afterId)
  WITH other, ev ORDER BY ev.sortKey, ev.id
  WITH other, collect(ev)[..$maxMeetings] AS meetings
  WITH other, meetings ORDER BY other.sortName, other.id LIMIT $limit`,
	`e: other {.*}, key: other.sortName, meetings: [m IN meetings | m.id], events: [m IN meetings[..$events] | m {.*}]`)

// investmentsWith makes, of the match of investments, the statements that
// return a page of them with the nodes of their investors, targets and
// events, [count].
func investmentsWith(match string) [2]string {
	return withCount(match, investmentsCount, `
  WITH investor, target, event, sortKey, event + '\u0001' + investor + '\u0001' + target AS k
  WHERE $after = false OR sortKey > $afterKey OR (sortKey = $afterKey AND k > $afterId)
  WITH investor, target, event, sortKey, k ORDER BY sortKey, k LIMIT $limit
  MATCH (i:Entity {id: investor})
  MATCH (t:Entity {id: target})
  MATCH (e:Entity {id: event})`,
		`investor: i {.*}, target: t {.*}, event: e {.*}, sortKey: sortKey, k: k`)
}

// cypherInvestmentsWith holds the statements of InvestmentsWith,
// [into][count].
var cypherInvestmentsWith = [2][2]string{investmentsWith(investmentsFrom), investmentsWith(investmentsInto)}

// cypherLookup returns the entities $ids and the relations $rels (their
// IDs and ends, as for cypherRelationsByID).
const cypherLookup = `
CALL {
  UNWIND $ids AS id
  MATCH (e:Entity {id: id})
  RETURN collect(e {.*}) AS entities
}
CALL {
  UNWIND $rels AS x` + relationBetween + `
  RETURN collect(r {.*, type: type(r), from: x.from, to: x.to}) AS relations
}
RETURN entities, relations`
