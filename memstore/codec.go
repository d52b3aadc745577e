package memstore

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/puente-kg/puente/kg"
)

// A payload of the third journal format is either a record in JSON, which
// begins with '{' (the "seed" records of earlier versions, and every
// record of a journal of the first two formats), or a "changes" record in
// the binary encoding below, which begins with binaryChanges. Decoding
// JSON took most of a replay's time; the binary encoding is read without
// scanning for delimiters, unquoting or reflection.
//
// The encoding writes the fields of each type in a fixed order, the order
// of their declaration: unsigned integers (lengths, counts) and signed ones
// as varints, strings as a length and bytes, floats as 8 bytes big endian,
// a pointer or slice as 0 for nil or 1 + the length (1 for a pointer), then
// what it holds. TestCodecCarriesEveryField fills every field of every type
// by reflection, so that a field added to a kg type without its line here
// fails it rather than being dropped from the journal.
const binaryChanges = 0x01

// errBinary reports a binary payload that ends early or holds a length
// that runs past its end.
var errBinary = errors.New("the binary record is cut short or malformed")

// encodeRecord returns the payload of a record: binary for a change set,
// JSON for anything else.
func encodeRecord(rec record) ([]byte, error) {
	return appendRecord(make([]byte, 0, 4096), rec)
}

// appendRecord appends the payload of a record to b, as encodeRecord
// encodes it.
func appendRecord(b []byte, rec record) ([]byte, error) {
	if rec.Op == "changes" && rec.Changes != nil && rec.Dataset == nil {
		e := encoder{b: append(b, binaryChanges)}
		e.changeSet(rec.Changes)
		return e.b, nil
	}
	p, err := json.Marshal(rec)
	return append(b, p...), err
}

// decodeRecord decodes a payload of a journal of the given format version
// into rec. Only the third format holds binary payloads. in interns the
// short strings that repeat (enumerations, source IDs); nil interns none.
func decodeRecord(payload []byte, version int, rec *record, in interner) error {
	return decodeRecordItems(payload, version, rec, in, false)
}

// decodeRecordItems decodes as decodeRecord does; with skipItems, the items
// of a binary change set's log entry are checked for their lengths but not
// decoded, and rec.skippedItems counts them (a replay leaves them in the
// journal: see logEntry).
func decodeRecordItems(payload []byte, version int, rec *record, in interner, skipItems bool) error {
	if version >= 3 && len(payload) > 0 && payload[0] == binaryChanges {
		d := decoder{b: payload[1:], in: in, skipItems: skipItems}
		c := d.changeSet()
		if d.err == nil && len(d.b) > 0 {
			d.err = fmt.Errorf("%d bytes follow the binary record", len(d.b))
		}
		if d.err != nil {
			return d.err
		}
		*rec = record{Op: "changes", Changes: c, skippedItems: d.skipped}
		return nil
	}
	return json.Unmarshal(payload, rec)
}

// encoder appends the binary encoding to b.
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) bytes(b []byte) {
	e.count(len(b), b == nil)
	e.b = append(e.b, b...)
}

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) float(f float64) { e.b = binary.BigEndian.AppendUint64(e.b, math.Float64bits(f)) }

// count writes the length of a slice or map, or that it is nil.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func strs[T ~string](e *encoder, ss []T) {
	e.count(len(ss), ss == nil)
	for _, s := range ss {
		e.str(string(s))
	}
}

func (e *encoder) date(d kg.Date) {
	e.int(int64(d.Year))
	e.int(int64(d.Month))
	e.int(int64(d.Day))
}

func (e *encoder) changeSet(c *kg.ChangeSet) {
	e.count(len(c.Expect), c.Expect == nil)
	for id, v := range c.Expect {
		e.str(id)
		e.int(int64(v))
	}
	e.count(len(c.PutSources), c.PutSources == nil)
	for _, s := range c.PutSources {
		e.bool(s != nil)
		if s != nil {
			e.source(s)
		}
	}
	e.count(len(c.PutEntities), c.PutEntities == nil)
	for _, x := range c.PutEntities {
		e.bool(x != nil)
		if x != nil {
			e.entity(x)
		}
	}
	e.relations(c.DeleteRelations)
	e.relations(c.PutRelations)
	strs(e, c.DeleteEntities)
	e.count(len(c.PutRedirects), c.PutRedirects == nil)
	for _, r := range c.PutRedirects {
		e.str(r.From)
		e.str(r.To)
	}
	e.bool(c.Log != nil)
	if c.Log != nil {
		e.change(c.Log)
	}
}

func (e *encoder) source(s *kg.Source) {
	e.str(s.ID)
	e.str(s.Title)
	e.bool(s.URL != nil)
	if s.URL != nil {
		e.str(*s.URL)
	}
	e.str(s.Publisher)
	e.date(s.PublishedAt)
	e.str(s.Excerpt)
}

func (e *encoder) entity(x *kg.Entity) {
	e.str(x.ID)
	e.str(string(x.Kind))
	e.str(x.Name)
	strs(e, x.Aliases)
	e.str(x.Description)
	strs(e, x.Sources)
	strs(e, x.Notes)
	e.count(len(x.Discrepancies), x.Discrepancies == nil)
	for _, d := range x.Discrepancies {
		e.str(d.Source)
		e.str(d.About)
		e.str(d.Says)
		e.str(d.Known)
	}
	e.str(x.CountryCode)
	e.str(string(x.OrgType))
	e.str(string(x.PlaceType))
	e.str(string(x.Category))
	e.date(x.Date)
	e.date(x.EndDate)
	e.str(string(x.Status))
	e.str(string(x.Channel))
	e.bool(x.Amount != nil)
	if m := x.Amount; m != nil {
		e.float(m.Amount)
		e.str(m.Currency)
		e.str(string(m.Qualifier))
		e.str(m.Per)
		e.bool(m.Baseline != nil)
		if m.Baseline != nil {
			e.float(*m.Baseline)
		}
	}
	e.bool(x.Quantity != nil)
	if q := x.Quantity; q != nil {
		e.float(q.Amount)
		e.str(q.Unit)
		e.str(string(q.Qualifier))
	}
	e.str(x.CreatedAt)
	e.str(x.CreatedBy)
	e.str(x.UpdatedAt)
	e.str(x.UpdatedBy)
	e.int(int64(x.Version))
}

// relations encodes relations without their IDs, which the JSON of a
// relation does not carry either: a replay derives them.
func (e *encoder) relations(rs []*kg.Relation) {
	e.count(len(rs), rs == nil)
	for _, r := range rs {
		e.bool(r != nil)
		if r == nil {
			continue
		}
		e.str(string(r.Type))
		e.str(r.From)
		e.str(r.To)
		e.str(string(r.Role))
		e.str(r.Title)
		e.date(r.StartDate)
		e.date(r.EndDate)
		e.str(r.Quote)
		strs(e, r.Sources)
		e.str(string(r.Basis))
		e.str(string(r.Rule))
		strs(e, r.RestsOn)
		e.str(r.Note)
		e.str(r.UpdatedAt)
		e.str(r.UpdatedBy)
	}
}

func (e *encoder) change(c *kg.Change) {
	e.int(c.Seq)
	at, err := c.At.MarshalBinary()
	if err != nil {
		// A time whose zone offset is not whole minutes: keep the instant.
		at, _ = c.At.UTC().MarshalBinary()
	}
	e.bytes(at)
	e.str(c.Actor)
	e.str(string(c.Op))
	e.count(len(c.Items), c.Items == nil)
	for _, it := range c.Items {
		e.str(string(it.Kind))
		e.str(it.ID)
		e.str(string(it.Action))
		e.str(string(it.EntityKind))
		e.str(it.From)
		e.str(it.To)
		e.bytes(it.Before)
		e.bytes(it.After)
	}
	e.bool(c.Truncated)
	strs(e, c.IDs)
	strs(e, c.Kinds)
	strs(e, c.Categories)
}

// interner maps the short strings a replay meets again and again to one
// copy of each.
type interner map[string]string

// maxInterned bounds an interner, and maxInternedLen the strings it keeps.
const (
	maxInterned    = 1 << 14
	maxInternedLen = 64
)

// decoder reads the binary encoding from b. The first error sticks: every
// later read returns zero values.
type decoder struct {
	b   []byte
	err error
	in  interner
	// skipItems skips the items of a log entry; skipped counts them.
	skipItems bool
	skipped   int
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errBinary
	}
	d.b = nil
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) take(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

func (d *decoder) str() string {
	n := d.uint()
	if n == 0 {
		return ""
	}
	return string(d.take(n))
}

// sym reads a string that is likely to repeat, sharing one copy of it.
func (d *decoder) sym() string {
	n := d.uint()
	if n == 0 {
		return ""
	}
	b := d.take(n)
	if d.in == nil || len(b) > maxInternedLen {
		return string(b)
	}
	if s, ok := d.in[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.in) < maxInterned {
		d.in[s] = s
	}
	return s
}

func (d *decoder) bytes() []byte {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	return append([]byte{}, d.take(uint64(n))...)
}

func (d *decoder) bool() bool {
	b := d.take(1)
	if len(b) == 0 {
		return false
	}
	switch b[0] {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

func (d *decoder) float() float64 {
	b := d.take(8)
	if len(b) < 8 {
		return 0
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b))
}

// count reads the length of a slice or map, or that it is nil. Every
// element takes at least one byte, which bounds what a damaged count can
// make the decoder allocate.
func (d *decoder) count() (n int, isNil bool) {
	v := d.uint()
	if v == 0 {
		return 0, true
	}
	if v-1 > uint64(len(d.b)) {
		d.fail()
		return 0, true
	}
	return int(v - 1), false
}

func syms[T ~string](d *decoder) []T {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	ss := make([]T, n)
	for i := range ss {
		ss[i] = T(d.sym())
	}
	return ss
}

func strsOf(d *decoder) []string {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *decoder) date() kg.Date {
	return kg.Date{Year: int(d.int()), Month: int(d.int()), Day: int(d.int())}
}

func (d *decoder) changeSet() *kg.ChangeSet {
	c := &kg.ChangeSet{}
	if n, isNil := d.count(); !isNil {
		c.Expect = make(map[string]int, n)
		for range n {
			id := d.str()
			c.Expect[id] = int(d.int())
		}
	}
	if n, isNil := d.count(); !isNil {
		c.PutSources = make([]*kg.Source, n)
		for i := range n {
			if d.bool() {
				c.PutSources[i] = d.source()
			}
		}
	}
	if n, isNil := d.count(); !isNil {
		c.PutEntities = make([]*kg.Entity, n)
		for i := range n {
			if d.bool() {
				c.PutEntities[i] = d.entity()
			}
		}
	}
	c.DeleteRelations = d.relations()
	c.PutRelations = d.relations()
	c.DeleteEntities = strsOf(d)
	if n, isNil := d.count(); !isNil {
		c.PutRedirects = make([]kg.Redirect, n)
		for i := range c.PutRedirects {
			c.PutRedirects[i] = kg.Redirect{From: d.str(), To: d.str()}
		}
	}
	if d.bool() {
		c.Log = d.change()
	}
	return c
}

func (d *decoder) source() *kg.Source {
	s := &kg.Source{ID: d.str(), Title: d.str()}
	if d.bool() {
		u := d.str()
		s.URL = &u
	}
	s.Publisher = d.sym()
	s.PublishedAt = d.date()
	s.Excerpt = d.str()
	return s
}

func (d *decoder) entity() *kg.Entity {
	x := &kg.Entity{ID: d.str(), Kind: kg.Kind(d.sym()), Name: d.str()}
	x.Aliases = strsOf(d)
	x.Description = d.str()
	x.Sources = syms[string](d)
	x.Notes = strsOf(d)
	if n, isNil := d.count(); !isNil {
		x.Discrepancies = make([]kg.Discrepancy, n)
		for i := range x.Discrepancies {
			x.Discrepancies[i] = kg.Discrepancy{Source: d.sym(), About: d.str(), Says: d.str(), Known: d.str()}
		}
	}
	x.CountryCode = d.sym()
	x.OrgType = kg.OrgType(d.sym())
	x.PlaceType = kg.PlaceType(d.sym())
	x.Category = kg.Category(d.sym())
	x.Date = d.date()
	x.EndDate = d.date()
	x.Status = kg.Status(d.sym())
	x.Channel = kg.Channel(d.sym())
	if d.bool() {
		m := &kg.Money{Amount: d.float(), Currency: d.sym(), Qualifier: kg.Qualifier(d.sym()), Per: d.sym()}
		if d.bool() {
			b := d.float()
			m.Baseline = &b
		}
		x.Amount = m
	}
	if d.bool() {
		x.Quantity = &kg.Quantity{Amount: d.float(), Unit: d.sym(), Qualifier: kg.Qualifier(d.sym())}
	}
	x.CreatedAt = d.str()
	x.CreatedBy = d.sym()
	x.UpdatedAt = d.str()
	x.UpdatedBy = d.sym()
	x.Version = int(d.int())
	return x
}

func (d *decoder) relations() []*kg.Relation {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	rs := make([]*kg.Relation, n)
	for i := range rs {
		if !d.bool() {
			continue
		}
		r := &kg.Relation{Type: kg.RelationType(d.sym()), From: d.str(), To: d.str(), Role: kg.Role(d.sym())}
		r.Title = d.str()
		r.StartDate = d.date()
		r.EndDate = d.date()
		r.Quote = d.str()
		r.Sources = syms[string](d)
		r.Basis = kg.Basis(d.sym())
		r.Rule = kg.Rule(d.sym())
		r.RestsOn = strsOf(d)
		r.Note = d.str()
		r.UpdatedAt = d.str()
		r.UpdatedBy = d.sym()
		rs[i] = r
	}
	return rs
}

func (d *decoder) change() *kg.Change {
	c := &kg.Change{Seq: d.int()}
	if at := d.bytes(); at != nil {
		var t time.Time
		if err := t.UnmarshalBinary(at); err != nil {
			d.fail()
		}
		c.At = t
	}
	c.Actor = d.sym()
	c.Op = kg.Op(d.sym())
	if n, isNil := d.count(); !isNil && d.skipItems {
		for range n {
			for range 6 {
				d.take(d.uint())
			}
			for range 2 {
				if n, isNil := d.count(); !isNil {
					d.take(uint64(n))
				}
			}
		}
		d.skipped = n
	} else if !isNil {
		c.Items = make([]kg.ChangeItem, n)
		for i := range c.Items {
			it := &c.Items[i]
			it.Kind = kg.ItemKind(d.sym())
			it.ID = d.str()
			it.Action = kg.Action(d.sym())
			it.EntityKind = kg.Kind(d.sym())
			it.From = d.str()
			it.To = d.str()
			it.Before = d.bytes()
			it.After = d.bytes()
		}
	}
	c.Truncated = d.bool()
	c.IDs = strsOf(d)
	c.Kinds = syms[kg.Kind](d)
	c.Categories = syms[kg.Category](d)
	return c
}
