package kg

import (
	"fmt"
	"slices"
	"strings"
)

// Basis says how a fact is known: what a source states, what was derived
// from stated facts, or what the curator knows from elsewhere. Every
// relation has one, so that an analyst who asks "says who?" can tell a
// reported fact from an inference.
type Basis string

// The bases of a fact.
const (
	// BasisStated: a source states the fact. It cites that source, and its
	// quote, when it has one, is found verbatim in the source's text.
	BasisStated Basis = "STATED"
	// BasisInferred: the fact was derived by a named Rule from stated
	// facts, which RestsOn lists. It cites no source of its own.
	BasisInferred Basis = "INFERRED"
	// BasisBackground: the curator's general knowledge. It carries a Note,
	// cites no digest item as support, and may cite a reference source of
	// its own.
	BasisBackground Basis = "BACKGROUND"
)

// Bases lists every basis.
var Bases = []Basis{BasisStated, BasisInferred, BasisBackground}

// StatedOnly returns the bases a read keeps: STATED alone when stated is
// set, else nil, which keeps every basis.
func StatedOnly(stated bool) []Basis {
	if stated {
		return []Basis{BasisStated}
	}
	return nil
}

// Rule names the rule an INFERRED fact was derived by. The schema's
// InferenceRule enum documents each.
type Rule string

// The inference rules.
const (
	// RuleOfficeHolderRepresents: a person took part in an event in an
	// office they hold, so the organization (or country) of that office
	// took part too. It rests on the person's participation and position
	// (and, for a country, on its government being based there).
	RuleOfficeHolderRepresents Rule = "OFFICE_HOLDER_REPRESENTS"
	// RulePlaceActsThroughGovernment: what a source says a city or country
	// does, its government does.
	RulePlaceActsThroughGovernment Rule = "PLACE_ACTS_THROUGH_GOVERNMENT"
	// RuleAnnulledByOrganizer: the body that annuls a tender is the one
	// that called it.
	RuleAnnulledByOrganizer Rule = "ANNULLED_BY_ORGANIZER"
	// RuleVenueInHostCountry: an event held in a country took place at a
	// venue, so the venue lies in that country.
	RuleVenueInHostCountry Rule = "VENUE_IN_HOST_COUNTRY"
)

// Rules lists every inference rule.
var Rules = []Rule{RuleOfficeHolderRepresents, RulePlaceActsThroughGovernment, RuleAnnulledByOrganizer, RuleVenueInHostCountry}

// EffectiveBasis returns the relation's basis: STATED when none is
// recorded, as in data written before bases existed (the JSON Lines
// default).
func (r *Relation) EffectiveBasis() Basis {
	if r.Basis == "" {
		return BasisStated
	}
	return r.Basis
}

// IsStated reports whether a source states the relation.
func (r *Relation) IsStated() bool { return r.EffectiveBasis() == BasisStated }

// HasBasis reports whether the relation's basis is one of bases; every
// relation has one of an empty list.
func (r *Relation) HasBasis(bases []Basis) bool {
	return len(bases) == 0 || slices.Contains(bases, r.EffectiveBasis())
}

// States reports whether the source's text, its title (the headline) or
// its excerpt, holds the quote verbatim.
func (s *Source) States(quote string) bool {
	return quote != "" && (strings.Contains(s.Excerpt, quote) || strings.Contains(s.Title, quote))
}

// Discrepancy is a point where a source disagrees with what is known from
// elsewhere. The record keeps the source's words (in its name, aliases or
// description); the discrepancy says what the source says and what is
// known, so that a client can show both.
type Discrepancy struct {
	// Source is the ID of the source that says it.
	Source string `json:"source"`
	// About names what is in question, such as "edition".
	About string `json:"about,omitempty"`
	// Says is what the source says, verbatim from its text.
	Says string `json:"says"`
	// Known is what is known from elsewhere.
	Known string `json:"known"`
}

// maxRelationIDLength bounds a relation ID: a type, two entity IDs and a
// role.
const maxRelationIDLength = 2*MaxIDLength + 64

// checkBasis checks the fields that depend on a relation's basis, on their
// own: the sources and quote of a STATED relation are checked against the
// sources themselves by CheckEvidence.
func (r *Relation) checkBasis() error {
	if r.Basis != "" && !valid(r.Basis, Bases) {
		return Invalid("basis", "%q is not a basis (STATED, INFERRED or BACKGROUND)", r.Basis)
	}
	for _, err := range []error{
		checkText("note", r.Note, MaxTextBytes),
		checkList("restsOn", r.RestsOn, MaxRestsOn, maxRelationIDLength),
	} {
		if err != nil {
			return err
		}
	}
	b := r.EffectiveBasis()
	if b != BasisInferred {
		switch {
		case r.Rule != "":
			return Invalid("rule", "only an INFERRED fact names a rule")
		case len(r.RestsOn) > 0:
			return Invalid("restsOn", "only an INFERRED fact rests on other facts")
		}
	}
	switch b {
	case BasisStated:
		if len(r.Sources) == 0 {
			return Invalid("sources", "at least one source is required: a STATED fact cites the source that states it")
		}
	case BasisInferred:
		switch {
		case !valid(r.Rule, Rules):
			return Invalid("rule", "an INFERRED fact names the rule it was derived by, one of %v; got %q", Rules, r.Rule)
		case len(r.RestsOn) == 0:
			return Invalid("restsOn", "an INFERRED fact lists the stated facts it rests on")
		case len(r.Sources) > 0:
			return Invalid("sources", "an INFERRED fact cites no source of its own: its evidence is the facts in restsOn")
		case r.Quote != "":
			return Invalid("quote", "an INFERRED fact has no quote: no source states it")
		}
		for _, id := range r.RestsOn {
			if _, _, _, _, ok := ParseRelationID(id); !ok {
				return Invalid("restsOn", "%q is not a relation ID", id)
			}
		}
	case BasisBackground:
		if strings.TrimSpace(r.Note) == "" {
			return Invalid("note", "a BACKGROUND fact carries a note saying what is known and how")
		}
	}
	return nil
}

// CheckEvidence checks a relation against the sources it cites, found in
// sources by ID (a cited source that is missing there is reported as
// unknown): its quote, when it has one, must be found verbatim in the text
// of one of them. Field names the relation's input, such as
// "participants[0]" (or is empty); the error names its sources or quote.
func CheckEvidence(field string, r *Relation, sources func(id string) *Source) error {
	sub := func(name string) string {
		if field == "" {
			return name
		}
		return field + "." + name
	}
	var cited []*Source
	for _, id := range r.Sources {
		s := sources(id)
		if s == nil {
			return Invalid(sub("sources"), "unknown source %q", id)
		}
		cited = append(cited, s)
	}
	if r.Quote == "" {
		return nil
	}
	for _, s := range cited {
		if s.States(r.Quote) {
			return nil
		}
	}
	return Invalid(sub("quote"), "%q is not found verbatim in the text (title or excerpt) of %s: a quote is the source's own words",
		r.Quote, strings.Join(r.Sources, ", "))
}

// checkDiscrepancies checks an entity's discrepancies on their own.
func (e *Entity) checkDiscrepancies() error {
	if len(e.Discrepancies) > MaxDiscrepancies {
		return Invalid("discrepancies", "has %d items; the limit is %d", len(e.Discrepancies), MaxDiscrepancies)
	}
	for i, d := range e.Discrepancies {
		field := fmt.Sprintf("discrepancies[%d]", i)
		switch {
		case !ValidID(d.Source) || !strings.HasPrefix(d.Source, "source:"):
			return Invalid(field+".source", "%q is not a source ID", d.Source)
		case strings.TrimSpace(d.Says) == "":
			return Invalid(field+".says", "is required: what the source says, in its words")
		case strings.TrimSpace(d.Known) == "":
			return Invalid(field+".known", "is required: what is known from elsewhere")
		}
		for _, err := range []error{
			checkText(field+".about", d.About, MaxNameBytes),
			checkText(field+".says", d.Says, MaxQuoteBytes),
			checkText(field+".known", d.Known, MaxTextBytes),
		} {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckDiscrepancies checks an entity's discrepancies against their
// sources: each source exists and its text holds what it says verbatim.
func CheckDiscrepancies(e *Entity, sources func(id string) *Source) error {
	for i, d := range e.Discrepancies {
		field := fmt.Sprintf("discrepancies[%d]", i)
		s := sources(d.Source)
		if s == nil {
			return Invalid(field+".source", "unknown source %q", d.Source)
		}
		if !s.States(d.Says) {
			return Invalid(field+".says", "%q is not found verbatim in the text of %s", d.Says, d.Source)
		}
	}
	return nil
}

// DiscrepancySources returns the IDs of the sources the entity's
// discrepancies cite.
func (e *Entity) DiscrepancySources() []string {
	var out []string
	for _, d := range e.Discrepancies {
		if !slices.Contains(out, d.Source) {
			out = append(out, d.Source)
		}
	}
	return out
}
