// Package synth generates deterministic synthetic graphs that follow the
// dataset's ontology at any scale, for benchmarks and fault tests: a few
// hub countries, organizations and people spread over them with a
// heavy-tailed (Zipf) popularity, and events whose participants are drawn
// from that tail, so that some entities take part in thousands of events
// and most in a handful.
//
// Stream hands the graph over record by record, in the order of the import
// format, keeping only a few numbers per entity; Generate collects it.
package synth

import (
	"math/rand/v2"

	"github.com/puente-kg/puente/kg"
)

// Countries is how many countries every generated graph has; they are the
// hubs.
const Countries = 30

var categories = []kg.Category{
	kg.CategoryMeeting, kg.CategoryMeeting, kg.CategoryMeeting, kg.CategoryInvestment, kg.CategoryDonation,
	kg.CategoryExpo, kg.CategorySummit, kg.CategoryLecture, kg.CategoryPartnershipTalks, kg.CategoryMarketReport,
}

var roles = []kg.Role{"HOST", "GUEST", "PARTICIPANT", "ATTENDEE", "SPEAKER"}

// zipf draws indexes in [0, n) with a heavy tail: index 0 most often.
type zipf struct{ z *rand.Zipf }

func newZipf(r *rand.Rand, n int) zipf {
	return zipf{rand.NewZipf(r, 1.1, 4, uint64(n-1))}
}

func (z zipf) next() int { return int(z.z.Uint64()) }

// collector is a Sink that keeps everything in a dataset.
type collector struct{ d *kg.Dataset }

func (c collector) Source(s *kg.Source) error {
	c.d.Sources = append(c.d.Sources, s)
	return nil
}

func (c collector) Entity(e *kg.Entity, owned []*kg.Relation) error {
	c.d.Entities = append(c.d.Entities, e)
	c.d.Relations = append(c.d.Relations, owned...)
	return nil
}

// Generate returns a graph of about n entities (at least Countries+10),
// the same for the same n and seed, sorted (see kg.Dataset.Sort). Progress,
// when set, is called as entities are made. It holds the whole graph in
// memory; Stream does not.
func Generate(n int, seed uint64, progress func(done, total int)) *kg.Dataset {
	d := &kg.Dataset{Version: 1, Description: Description(n, seed)}
	_ = Stream(n, seed, progress, collector{d}) // collector never fails
	d.Sort()
	return d
}
