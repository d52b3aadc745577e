package memstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/kg"
)

// fill sets every field that JSON carries, at every depth, to a value that
// is not zero and differs from the others, and returns the paths of the
// fields it set.
func fill(t *testing.T, v reflect.Value, path string, n *int, paths *[]string) {
	t.Helper()
	*n++
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Unix(int64(1_700_000_000+*n), int64(*n)).UTC()))
		*paths = append(*paths, path)
		return
	case reflect.TypeFor[kg.Date]():
		v.Set(reflect.ValueOf(kg.Date{Year: 1990 + *n, Month: 1 + *n%12, Day: 1 + *n%28}))
		*paths = append(*paths, path)
		return
	case reflect.TypeFor[json.RawMessage]():
		v.SetBytes([]byte(fmt.Sprintf(`{"field":%d}`, *n)))
		*paths = append(*paths, path)
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s=%d", path, *n))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), path, n, paths)
		return
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i), n, paths)
		}
		return
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			e := reflect.New(v.Type().Elem()).Elem()
			fill(t, k, path+".key", n, paths)
			fill(t, e, path+".value", n, paths)
			v.SetMapIndex(k, e)
			_ = i
		}
		return
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" {
				continue // JSON does not carry it either
			}
			fill(t, v.Field(i), path+"."+f.Name, n, paths)
		}
		return
	default:
		t.Fatalf("%s: fill does not know %s; teach it, and the codec", path, v.Type())
	}
	*paths = append(*paths, path)
}

// TestCodecCarriesEveryField fills every field of a change set, and of
// every type it holds, by reflection, and checks that the binary encoding
// gives back what JSON gives back, which is what was filled. A field added
// to a kg type that the codec does not write fails here instead of being
// dropped from the journal.
func TestCodecCarriesEveryField(t *testing.T) {
	var c kg.ChangeSet
	var n int
	var paths []string
	fill(t, reflect.ValueOf(&c).Elem(), "ChangeSet", &n, &paths)
	for _, want := range []string{"PutEntities[1].Amount.Baseline", "PutRelations[0].RestsOn[1]", "Log.Items[1].After", "Log.At", "Expect.value", "PutSources[0].URL"} {
		if !strings.Contains(strings.Join(paths, " "), "ChangeSet."+want) {
			t.Fatalf("fill did not reach %s", want)
		}
	}
	rec := record{Op: "changes", Changes: &c}
	payload, err := encodeRecord(rec)
	if err != nil || payload[0] != binaryChanges {
		t.Fatalf("encodeRecord: %v, %q", err, payload[:min(len(payload), 8)])
	}
	var got record
	if err := decodeRecord(payload, 3, &got, interner{}); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var viaJSON record
	if err := json.Unmarshal(js, &viaJSON); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(viaJSON, rec) {
		t.Fatal("the filled change set does not survive JSON; fix fill")
	}
	if !reflect.DeepEqual(got, rec) {
		gj, _ := json.Marshal(got)
		t.Errorf("binary round trip:\n got %s\nwant %s", gj, js)
	}
	var skipped record
	if err := decodeRecordItems(payload, 3, &skipped, interner{}, true); err != nil {
		t.Fatal(err)
	}
	items := c.Log.Items
	c.Log.Items = nil
	if skipped.skippedItems != len(items) || !reflect.DeepEqual(skipped.Changes, rec.Changes) {
		t.Errorf("skipping the items: %d skipped, want %d; the rest differs: %v", skipped.skippedItems, len(items), !reflect.DeepEqual(skipped.Changes, rec.Changes))
	}
}

// TestCodecKeepsNils checks that nil and empty are told apart where JSON
// tells them apart: a nil map is null, an empty one {}; a nil element of
// a list is null.
func TestCodecKeepsNils(t *testing.T) {
	for _, c := range []*kg.ChangeSet{
		{},
		{Expect: map[string]int{}, PutEntities: []*kg.Entity{nil}, PutRelations: []*kg.Relation{nil, {Type: kg.RelBasedIn}}},
		{Log: &kg.Change{Items: []kg.ChangeItem{{}}, IDs: []string{}}},
	} {
		rec := record{Op: "changes", Changes: c}
		payload, _ := encodeRecord(rec)
		var got, viaJSON record
		if err := decodeRecord(payload, 3, &got, nil); err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(rec)
		json.Unmarshal(js, &viaJSON)
		if !reflect.DeepEqual(got, viaJSON) {
			gj, _ := json.Marshal(got)
			t.Errorf("binary round trip:\n got %s\nwant %s", gj, js)
		}
	}
}

// TestCodecRefusesDamage decodes every truncation of a payload, and the
// payload with each byte changed: it must fail or decode, never panic, and
// a truncation must fail.
func TestCodecRefusesDamage(t *testing.T) {
	var c kg.ChangeSet
	var n int
	var paths []string
	fill(t, reflect.ValueOf(&c).Elem(), "ChangeSet", &n, &paths)
	payload, _ := encodeRecord(record{Op: "changes", Changes: &c})
	for i := 1; i < len(payload); i++ {
		var rec record
		if err := decodeRecord(payload[:i], 3, &rec, interner{}); err == nil {
			t.Errorf("the payload cut to %d of %d bytes decodes", i, len(payload))
		}
		if err := decodeRecordItems(payload[:i], 3, &rec, interner{}, true); err == nil {
			t.Errorf("the payload cut to %d of %d bytes decodes, skipping items", i, len(payload))
		}
	}
	for i := 1; i < len(payload); i++ {
		b := append([]byte(nil), payload...)
		b[i] ^= 0xff
		var rec record
		decodeRecord(b, 3, &rec, interner{})
	}
	var rec record
	if err := decodeRecord(payload, 2, &rec, nil); err == nil {
		t.Error("a binary payload decodes in a journal of the second format")
	}
}

// TestUpgradeSecondFormat opens a journal of the second format, whose
// payloads are all JSON: it replays as it was written, is rewritten in the
// current format with its change sets in binary, and is written to as
// usual after.
func TestUpgradeSecondFormat(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := reopen(t, dir)
	for n := range 3 {
		if err := put(ctx, s, testDataset(n)); err != nil {
			t.Fatal(err)
		}
	}
	want := dumpJSON(t, s)
	s.Close(ctx)

	path := filepath.Join(dir, JournalFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v2 := []byte(v2Magic)
	for _, off := range frameStarts(b) {
		n := int(binary.BigEndian.Uint32(b[off:]))
		var rec record
		if err := decodeRecord(b[off+frameHeader:off+frameHeader+n], 3, &rec, nil); err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		v2 = append(v2, frame(js)...)
	}
	if err := os.WriteFile(path, v2, 0o644); err != nil {
		t.Fatal(err)
	}

	again, rep := reopen(t, dir)
	if rep.Took = 0; rep != (ReplayReport{Records: 3, Upgraded: true}) {
		t.Errorf("report %+v, want 3 records upgraded", rep)
	}
	for _, e := range again.log.entries {
		if e.at == 0 || e.Items != nil {
			t.Errorf("entry %d after the upgrade: at %d, %d items in memory; want them in the rewritten journal", e.Seq, e.at, len(e.Items))
		}
	}
	if got := dumpJSON(t, again); got != want {
		t.Errorf("after the upgrade the store holds %s, want %s", got, want)
	}
	up, _ := os.ReadFile(path)
	if !bytes.HasPrefix(up, []byte(journalMagic)) {
		t.Fatalf("the journal begins with %q after the upgrade", up[:min(8, len(up))])
	}
	for _, off := range frameStarts(up) {
		if up[off+frameHeader] != binaryChanges {
			t.Errorf("the record at byte %d was not rewritten in binary", off)
		}
	}
	if err := put(ctx, again, testDataset(5)); err != nil {
		t.Fatal(err)
	}
	want = dumpJSON(t, again)
	again.Close(ctx)
	third, rep := reopen(t, dir)
	if rep.Took = 0; rep != (ReplayReport{Records: 4}) {
		t.Errorf("report %+v after the upgrade, want 4 records", rep)
	}
	if got := dumpJSON(t, third); got != want {
		t.Errorf("after a write and a restart the store holds %s, want %s", got, want)
	}
}
