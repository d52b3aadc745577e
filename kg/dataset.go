package kg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Dataset is a whole graph in one value: what Seed writes and what the
// dataset file holds. See dataset/README.md for the file format.
type Dataset struct {
	Version     int         `json:"version"`
	Description string      `json:"description,omitempty"`
	Sources     []*Source   `json:"sources"`
	Entities    []*Entity   `json:"entities"`
	Relations   []*Relation `json:"relations"`
	Redirects   []Redirect  `json:"redirects,omitempty"`
}

// ParseDataset decodes a dataset from JSON, rejecting unknown fields, and
// validates it.
func ParseDataset(data []byte) (*Dataset, error) {
	var d Dataset
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("decode dataset: %w", err)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

var (
	idPattern = regexp.MustCompile(`^[a-z]+:[a-z0-9]+(-[a-z0-9]+)*$`)
)

// MaxIDLength is the longest ID accepted.
const MaxIDLength = 200

// ValidID reports whether id has the form "prefix:slug", with a lowercase
// ASCII slug of words joined by hyphens, and at most MaxIDLength bytes.
func ValidID(id string) bool { return len(id) <= MaxIDLength && idPattern.MatchString(id) }

// Validate checks the dataset: ID forms and uniqueness across entities and
// sources, enumerated values, kind-specific fields, dates, amounts, and that
// every reference resolves; that every entity and every STATED relation
// cites a source, every quote (and what a discrepancy says) is found
// verbatim in the text of a source it cites, and every INFERRED relation
// rests on STATED relations of the dataset. It fills in the IDs of
// relations and returns every problem found, joined.
func (d *Dataset) Validate() error {
	var errs []error
	bad := func(where, format string, args ...any) {
		errs = append(errs, Invalid(where, format, args...))
	}
	ids := map[string]Kind{}
	sources := map[string]*Source{}
	for i, s := range d.Sources {
		where := fmt.Sprintf("sources[%d]", i)
		if !ValidID(s.ID) || len(s.ID) < 8 || s.ID[:7] != "source:" {
			bad(where+".id", "%q is not a source ID (source:slug)", s.ID)
		}
		if sources[s.ID] != nil {
			bad(where+".id", "duplicate ID %q", s.ID)
		}
		sources[s.ID] = s
		if err := ValidateSource(s); err != nil {
			var ke *Error
			if errors.As(err, &ke) && ke.Field != "id" {
				ke.Field = where + "." + ke.Field
				errs = append(errs, ke)
			}
		}
	}
	checkSources := func(where string, refs []string) {
		if len(refs) == 0 {
			bad(where+".sources", "at least one source is required")
		}
		for _, r := range UnknownSources(refs, sources) {
			bad(where+".sources", "unknown source %q", r)
		}
	}
	source := func(id string) *Source { return sources[id] }
	for i, e := range d.Entities {
		where := fmt.Sprintf("entities[%d]", i)
		if err := e.Validate(); err != nil {
			var ke *Error
			if errors.As(err, &ke) {
				ke.Field = where + "." + ke.Field
			}
			errs = append(errs, err)
		}
		if _, dup := ids[e.ID]; dup || sources[e.ID] != nil {
			bad(where+".id", "duplicate ID %q", e.ID)
		}
		ids[e.ID] = e.Kind
		checkSources(where, e.Sources)
		if err := CheckDiscrepancies(e, source); err != nil {
			var ke *Error
			if errors.As(err, &ke) {
				ke.Field = where + "." + ke.Field
			}
			errs = append(errs, err)
		}
	}
	seen := map[string]bool{}
	for i, r := range d.Relations {
		where := fmt.Sprintf("relations[%d]", i)
		if err := r.Validate(); err != nil {
			var ke *Error
			if errors.As(err, &ke) {
				ke.Field = where + "." + ke.Field
			}
			errs = append(errs, err)
		}
		fromKind, okFrom := ids[r.From]
		toKind, okTo := ids[r.To]
		if !okFrom {
			bad(where+".from", "unknown entity %q", r.From)
		}
		if !okTo {
			bad(where+".to", "unknown entity %q", r.To)
		}
		if okFrom && okTo {
			if err := r.checkKinds(fromKind, toKind); err != nil {
				bad(where+".type", "%v", err)
			}
		}
		r.ID = RelationID(r.Type, r.From, r.To, r.Role)
		if seen[r.ID] {
			bad(where, "duplicate relation %s", r.ID)
		}
		seen[r.ID] = true
		if err := CheckEvidence(where, r, source); err != nil {
			errs = append(errs, err)
		}
	}
	stated := map[string]bool{}
	for _, r := range d.Relations {
		stated[r.ID] = r.IsStated()
	}
	for i, r := range d.Relations {
		for _, id := range r.RestsOn {
			if s, ok := stated[id]; !ok || !s {
				bad(fmt.Sprintf("relations[%d].restsOn", i), "%s is not a STATED relation of the dataset: an inferred fact rests on stated facts", id)
			}
		}
	}
	for i, r := range d.Redirects {
		where := fmt.Sprintf("redirects[%d]", i)
		if !ValidID(r.From) {
			bad(where+".from", "%q is not an ID", r.From)
		}
		if _, isEntity := ids[r.From]; isEntity {
			bad(where+".from", "%q is an entity; only merged-away IDs redirect", r.From)
		}
		if _, ok := ids[r.To]; !ok {
			bad(where+".to", "unknown entity %q", r.To)
		}
		if KindOfID(r.From) != KindOfID(r.To) {
			bad(where+".to", "%q and %q are of different kinds; a merged ID redirects to an entity of its kind", r.From, r.To)
		}
	}
	return errors.Join(errs...)
}

// Validate checks one entity on its own: ID, kind, name, enumerated values,
// kind-specific fields, dates and amounts. It returns an *Error with code
// EINVALID naming the first field at fault.
func (e *Entity) Validate() error {
	switch {
	case !ValidID(e.ID):
		return Invalid("id", "%q is not an ID of the form kind:slug (lowercase letters, digits, hyphens)", e.ID)
	case !valid(e.Kind, Kinds):
		return Invalid("kind", "%q is not a kind", e.Kind)
	case len(e.ID) <= len(e.Kind.IDPrefix()) || e.ID[:len(e.Kind.IDPrefix())] != e.Kind.IDPrefix():
		return Invalid("id", "the ID of a %s starts with %q", e.Kind, e.Kind.IDPrefix())
	case e.Name == "":
		return Invalid("name", "is required")
	}
	for _, a := range e.Aliases {
		if a == "" {
			return Invalid("aliases", "an alias must not be empty")
		}
	}
	for _, err := range []error{
		checkText("name", e.Name, MaxNameBytes),
		checkList("aliases", e.Aliases, MaxAliases, MaxNameBytes),
		checkText("description", e.Description, MaxTextBytes),
		checkList("notes", e.Notes, MaxNotes, MaxTextBytes),
		checkList("sources", e.Sources, MaxSources, MaxIDLength),
		e.checkDiscrepancies(),
	} {
		if err != nil {
			return err
		}
	}
	if e.CountryCode != "" && (e.Kind != KindCountry || !ValidCountryCode(e.CountryCode)) {
		return Invalid("countryCode", "%q is not an ISO 3166-1 alpha-2 code of a country", e.CountryCode)
	}
	if e.OrgType != "" && (e.Kind != KindOrganization || !valid(e.OrgType, OrgTypes)) {
		return Invalid("orgType", "%q is not an organization type of an organization", e.OrgType)
	}
	if e.PlaceType != "" && (e.Kind != KindPlace || !valid(e.PlaceType, PlaceTypes)) {
		return Invalid("placeType", "%q is not a place type of a place", e.PlaceType)
	}
	if e.Kind != KindEvent {
		if e.Category != "" || !e.Date.IsZero() || !e.EndDate.IsZero() || e.Status != "" ||
			e.Channel != "" || e.Amount != nil || e.Quantity != nil {
			return Invalid("kind", "only events have a category, dates, status, channel, amount or quantity")
		}
		return nil
	}
	switch {
	case !valid(e.Category, Categories):
		return Invalid("category", "%q is not an event category", e.Category)
	case e.Status != "" && !valid(e.Status, Statuses):
		return Invalid("status", "%q is not an event status", e.Status)
	case e.Channel != "" && !valid(e.Channel, Channels):
		return Invalid("channel", "%q is not a channel", e.Channel)
	case !e.EndDate.IsZero() && e.Date.IsZero():
		return Invalid("endDate", "an end date needs a date")
	case !e.EndDate.IsZero() && e.EndDate.End() < e.Date.Start():
		return Invalid("endDate", "%s is before the date %s", e.EndDate, e.Date)
	}
	if m := e.Amount; m != nil {
		if err := checkAmount("amount.amount", m.Amount); err != nil {
			return err
		}
		if m.Baseline != nil {
			if err := checkAmount("amount.baseline", *m.Baseline); err != nil {
				return err
			}
		}
		if err := checkText("amount.per", m.Per, MaxUnitBytes); err != nil {
			return err
		}
		switch {
		case !ValidCurrency(m.Currency):
			return Invalid("amount.currency", "%q is not an ISO 4217 currency code", m.Currency)
		case m.Qualifier != "" && !valid(m.Qualifier, Qualifiers):
			return Invalid("amount.qualifier", "%q is not a qualifier", m.Qualifier)
		}
	}
	if q := e.Quantity; q != nil {
		if err := checkAmount("quantity.amount", q.Amount); err != nil {
			return err
		}
		if err := checkText("quantity.unit", q.Unit, MaxUnitBytes); err != nil {
			return err
		}
		switch {
		case q.Unit == "":
			return Invalid("quantity.unit", "is required")
		case q.Qualifier != "" && !valid(q.Qualifier, Qualifiers):
			return Invalid("quantity.qualifier", "%q is not a qualifier", q.Qualifier)
		}
	}
	return nil
}

// Validate checks one relation on its own: type, role, title, dates, and
// the fields its basis asks for (a source for a STATED relation, a rule and
// the facts it rests on for an INFERRED one, a note for a BACKGROUND one).
func (r *Relation) Validate() error {
	switch {
	case !valid(r.Type, RelationTypes):
		return Invalid("type", "%q is not a relation type", r.Type)
	case r.Type == RelParticipatedIn && !valid(r.Role, Roles):
		return Invalid("role", "%q is not a participation role", r.Role)
	case r.Type != RelParticipatedIn && r.Role != "":
		return Invalid("role", "only PARTICIPATED_IN has a role")
	case r.Type == RelHoldsPosition && r.Title == "":
		return Invalid("title", "a position needs a title")
	case r.Type != RelHoldsPosition && r.Title != "":
		return Invalid("title", "only HOLDS_POSITION has a title")
	case !r.EndDate.IsZero() && !r.StartDate.IsZero() && r.EndDate.End() < r.StartDate.Start():
		return Invalid("endDate", "%s is before the start date %s", r.EndDate, r.StartDate)
	}
	for _, err := range []error{
		checkText("title", r.Title, MaxNameBytes),
		checkText("quote", r.Quote, MaxQuoteBytes),
		checkList("sources", r.Sources, MaxSources, MaxIDLength),
	} {
		if err != nil {
			return err
		}
	}
	return r.checkBasis()
}

// CheckKinds checks that the relation may join an entity of kind from to
// one of kind to.
func (r *Relation) CheckKinds(from, to Kind) error { return r.checkKinds(from, to) }

// checkKinds checks that the relation joins entities of fitting kinds.
func (r *Relation) checkKinds(from, to Kind) error {
	want := func(ok bool, what string) error {
		if !ok {
			return fmt.Errorf("%s cannot join a %s to a %s (%s)", r.Type, from, to, what)
		}
		return nil
	}
	switch r.Type {
	case RelParticipatedIn:
		return want(from != KindEvent && to == KindEvent, "an entity to an event")
	case RelHoldsPosition:
		return want(from == KindPerson && (to == KindOrganization || to == KindCountry), "a person to an organization")
	case RelHeldAt:
		return want(from == KindEvent && (to == KindPlace || to == KindCountry), "an event to a place")
	case RelLocatedIn:
		return want(from == KindPlace && (to == KindPlace || to == KindCountry), "a place to a place or country")
	case RelCitizenOf:
		return want(from == KindPerson && to == KindCountry, "a person to a country")
	}
	return want(from != KindEvent && to != KindEvent, "two entities other than events")
}

// Sort orders the dataset's sources and entities by ID and its relations by
// ID, so that equal graphs serialize alike.
func (d *Dataset) Sort() {
	sort.Slice(d.Sources, func(i, j int) bool { return d.Sources[i].ID < d.Sources[j].ID })
	sort.Slice(d.Entities, func(i, j int) bool { return d.Entities[i].ID < d.Entities[j].ID })
	sort.Slice(d.Relations, func(i, j int) bool { return d.Relations[i].ID < d.Relations[j].ID })
}

// ValidateSource checks a source on its own.
func ValidateSource(s *Source) error {
	switch {
	case !ValidID(s.ID) || !strings.HasPrefix(s.ID, "source:"):
		return Invalid("id", "%q is not a source ID of the form source:slug", s.ID)
	case strings.TrimSpace(s.Title) == "":
		return Invalid("title", "is required")
	}
	for _, err := range []error{
		checkText("title", s.Title, MaxNameBytes),
		checkText("publisher", s.Publisher, MaxNameBytes),
		checkText("excerpt", s.Excerpt, MaxExcerptBytes),
	} {
		if err != nil {
			return err
		}
	}
	if s.URL != nil {
		if err := checkText("url", *s.URL, MaxURLBytes); err != nil {
			return err
		}
		u, err := url.Parse(*s.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Invalid("url", "%q is not an absolute http or https URL", *s.URL)
		}
	}
	return nil
}

// UnknownSources returns the IDs among ids that name no source in sources:
// the one check that every source a fact cites exists, which the
// validation of datasets, the planners of writes and the check of imports
// share.
func UnknownSources(ids []string, sources map[string]*Source) []string {
	var out []string
	for _, id := range ids {
		if sources[id] == nil {
			out = append(out, id)
		}
	}
	return out
}
