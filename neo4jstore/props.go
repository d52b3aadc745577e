package neo4jstore

import (
	"encoding/json"

	"github.com/puente-kg/puente/kg"
)

// Entities are stored flat: Neo4j properties cannot hold maps, so money and
// quantities become prefixed properties, and discrepancies a JSON string.
// Empty values are left out, which SET n = $props turns into absent
// properties.

func entityProps(e *kg.Entity) map[string]any {
	p := map[string]any{
		"id":         e.ID,
		"kind":       string(e.Kind),
		"name":       e.Name,
		"sortName":   e.SortName(),
		"searchText": e.SearchText(),
		"aliases":    strs(e.Aliases),
		"sources":    strs(e.Sources),
		"notes":      strs(e.Notes),
	}
	set := func(k, v string) {
		if v != "" {
			p[k] = v
		}
	}
	set("description", e.Description)
	if len(e.Discrepancies) > 0 {
		b, _ := json.Marshal(e.Discrepancies) // structs of strings: it cannot fail
		p["discrepancies"] = string(b)
	}
	set("countryCode", e.CountryCode)
	set("orgType", string(e.OrgType))
	set("placeType", string(e.PlaceType))
	if e.Kind == kg.KindEvent {
		p["sortKey"] = e.Date.SortKey()
		set("category", string(e.Category))
		set("date", e.Date.String())
		set("endDate", e.EndDate.String())
		first, last := e.DateRange()
		set("dateFirst", first)
		set("dateLast", last)
		set("status", string(e.Status))
		set("channel", string(e.Channel))
	}
	if m := e.Amount; m != nil {
		p["amount"] = m.Amount
		p["amountCurrency"] = m.Currency
		set("amountQualifier", string(m.Qualifier))
		set("amountPer", m.Per)
		if m.Baseline != nil {
			p["amountBaseline"] = *m.Baseline
		}
	}
	if q := e.Quantity; q != nil {
		p["quantity"] = q.Amount
		p["quantityUnit"] = q.Unit
		set("quantityQualifier", string(q.Qualifier))
	}
	set("createdAt", e.CreatedAt)
	set("createdBy", e.CreatedBy)
	set("updatedAt", e.UpdatedAt)
	set("updatedBy", e.UpdatedBy)
	if e.Version != 0 {
		p["version"] = int64(e.Version)
	}
	return p
}

func entityFrom(p map[string]any) *kg.Entity {
	e := &kg.Entity{
		ID:          str(p, "id"),
		Kind:        kg.Kind(str(p, "kind")),
		Name:        str(p, "name"),
		Aliases:     list(p, "aliases"),
		Description: str(p, "description"),
		Sources:     list(p, "sources"),
		Notes:       list(p, "notes"),
		CountryCode: str(p, "countryCode"),
		OrgType:     kg.OrgType(str(p, "orgType")),
		PlaceType:   kg.PlaceType(str(p, "placeType")),
		Category:    kg.Category(str(p, "category")),
		Date:        date(p, "date"),
		EndDate:     date(p, "endDate"),
		Status:      kg.Status(str(p, "status")),
		Channel:     kg.Channel(str(p, "channel")),
		CreatedAt:   str(p, "createdAt"),
		CreatedBy:   str(p, "createdBy"),
		UpdatedAt:   str(p, "updatedAt"),
		UpdatedBy:   str(p, "updatedBy"),
	}
	if v, ok := p["version"].(int64); ok {
		e.Version = int(v)
	}
	if v, ok := p["discrepancies"].(string); ok {
		// Written by entityProps from valid values; a damaged property
		// reads as none.
		_ = json.Unmarshal([]byte(v), &e.Discrepancies)
	}
	if v, ok := p["amount"].(float64); ok {
		e.Amount = &kg.Money{
			Amount:    v,
			Currency:  str(p, "amountCurrency"),
			Qualifier: kg.Qualifier(str(p, "amountQualifier")),
			Per:       str(p, "amountPer"),
		}
		if b, ok := p["amountBaseline"].(float64); ok {
			e.Amount.Baseline = &b
		}
	}
	if v, ok := p["quantity"].(float64); ok {
		e.Quantity = &kg.Quantity{
			Amount:    v,
			Unit:      str(p, "quantityUnit"),
			Qualifier: kg.Qualifier(str(p, "quantityQualifier")),
		}
	}
	return e
}

func sourceProps(s *kg.Source) map[string]any {
	p := map[string]any{"id": s.ID, "title": s.Title}
	if s.URL != nil {
		p["url"] = *s.URL
	}
	if s.Publisher != "" {
		p["publisher"] = s.Publisher
	}
	if !s.PublishedAt.IsZero() {
		p["publishedAt"] = s.PublishedAt.String()
	}
	if s.Excerpt != "" {
		p["excerpt"] = s.Excerpt
	}
	return p
}

func sourceFrom(p map[string]any) *kg.Source {
	s := &kg.Source{
		ID:          str(p, "id"),
		Title:       str(p, "title"),
		Publisher:   str(p, "publisher"),
		PublishedAt: date(p, "publishedAt"),
		Excerpt:     str(p, "excerpt"),
	}
	if u, ok := p["url"].(string); ok {
		s.URL = &u
	}
	return s
}

// relationProps returns the properties of a relationship. The basis is
// always written; relationFrom reads a relationship without one (written
// before bases existed) as STATED.
func relationProps(r *kg.Relation) map[string]any {
	p := map[string]any{"id": r.ID, "sources": strs(r.Sources), "basis": string(r.EffectiveBasis())}
	set := func(k, v string) {
		if v != "" {
			p[k] = v
		}
	}
	set("role", string(r.Role))
	set("title", r.Title)
	set("startDate", r.StartDate.String())
	set("endDate", r.EndDate.String())
	set("quote", r.Quote)
	set("rule", string(r.Rule))
	set("note", r.Note)
	if len(r.RestsOn) > 0 {
		p["restsOn"] = r.RestsOn
	}
	set("updatedAt", r.UpdatedAt)
	set("updatedBy", r.UpdatedBy)
	return p
}

func relationFrom(p map[string]any) *kg.Relation {
	r := &kg.Relation{
		ID:        str(p, "id"),
		Type:      kg.RelationType(str(p, "type")),
		From:      str(p, "from"),
		To:        str(p, "to"),
		Role:      kg.Role(str(p, "role")),
		Title:     str(p, "title"),
		StartDate: date(p, "startDate"),
		EndDate:   date(p, "endDate"),
		Quote:     str(p, "quote"),
		Sources:   list(p, "sources"),
		Basis:     kg.Basis(str(p, "basis")),
		Rule:      kg.Rule(str(p, "rule")),
		RestsOn:   list(p, "restsOn"),
		Note:      str(p, "note"),
		UpdatedAt: str(p, "updatedAt"),
		UpdatedBy: str(p, "updatedBy"),
	}
	r.Basis = r.EffectiveBasis()
	return r
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func str(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

func list(p map[string]any, k string) []string {
	v, _ := p[k].([]any)
	if len(v) == 0 {
		return nil
	}
	out := make([]string, 0, len(v))
	for _, x := range v {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func date(p map[string]any, k string) kg.Date {
	d, _ := kg.ParseDate(str(p, k))
	return d
}
