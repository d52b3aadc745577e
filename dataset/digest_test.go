package dataset_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/puente-kg/puente/dataset"
	"github.com/puente-kg/puente/kg"
)

// seedFile is the news digest the dataset models, relative to the
// repository's root (CI has it at the same place).
const seedFile = "../shared/seeds/000_6b6205791d05e452.txt"

// item is one item of the digest: its headline and its text.
type item struct{ headline, body string }

func (it item) text() string { return it.headline + "\n" + it.body }

// repoRoot returns the directory of go.mod, above the test's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// digestItems reads the digest: twelve items, each a headline line and a
// text line, separated by blank lines. A missing file fails the test: the
// check of the dataset against its source must not be skipped.
func digestItems(t *testing.T) []item {
	t.Helper()
	path := filepath.Join(repoRoot(t), filepath.FromSlash(seedFile))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the digest the dataset is checked against: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 24 {
		t.Fatalf("%s: %d lines of text, want 12 items of a headline and a text", path, len(lines))
	}
	items := make([]item, 12)
	for i := range items {
		items[i] = item{lines[2*i], lines[2*i+1]}
	}
	return items
}

// itemOf returns the number (1 to 12) of the digest item a source models:
// its ID is source:NN-slug.
func itemOf(t *testing.T, source string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimPrefix(source, "source:")[:2])
	if err != nil || n < 1 || n > 12 {
		t.Fatalf("%s does not name a digest item", source)
	}
	return n
}

var itemRef = regexp.MustCompile(`\b[Ii]tem (\d\d)\b`)

// counts are the facts (relations) of one item by basis.
type counts struct{ stated, inferred, background int }

// TestDigestEvidence checks the dataset against the digest itself: each
// source is its item word for word; every STATED fact quotes, verbatim,
// every item it cites; no INFERRED or BACKGROUND fact cites an item as its
// support; what a discrepancy says is in its item; every day an event is
// dated to is in its item, and an event ID carries the event's date or
// none; and dataset/README.md counts the facts of each item by basis as the
// dataset has them.
func TestDigestEvidence(t *testing.T) {
	items := digestItems(t)
	d := dataset.MustDigest()
	if len(d.Sources) != len(items) {
		t.Fatalf("%d sources for %d items", len(d.Sources), len(items))
	}
	text := map[string]string{}
	for _, s := range d.Sources {
		it := items[itemOf(t, s.ID)-1]
		if s.Title != it.headline || s.Excerpt != it.body {
			t.Errorf("%s is not item %02d word for word:\n title   %q\n excerpt %q\n item    %q", s.ID, itemOf(t, s.ID), s.Title, s.Excerpt, it.text())
		}
		text[s.ID] = it.text()
	}
	byID := map[string]*kg.Relation{}
	for _, r := range d.Relations {
		byID[r.ID] = r
	}
	perItem := make([]counts, 13)
	for _, r := range d.Relations {
		switch r.EffectiveBasis() {
		case kg.BasisStated:
			if r.Quote == "" {
				t.Errorf("%s is STATED without a quote", r.ID)
			}
			for _, s := range r.Sources {
				if !strings.Contains(text[s], r.Quote) {
					t.Errorf("%s quotes %q, which item %02d does not say", r.ID, r.Quote, itemOf(t, s))
				}
				perItem[itemOf(t, s)].stated++
			}
		case kg.BasisInferred:
			// It counts under the item of the first fact it rests on, the
			// rule's premise (a person's participation, a place's).
			var from []int
			for _, id := range r.RestsOn {
				on := byID[id]
				if on == nil || !on.IsStated() {
					t.Errorf("%s rests on %s, not a STATED fact of the dataset", r.ID, id)
					continue
				}
				for _, s := range on.Sources {
					if n := itemOf(t, s); !slices.Contains(from, n) {
						from = append(from, n)
					}
				}
			}
			if len(r.Sources) > 0 || len(from) == 0 {
				t.Errorf("%s is INFERRED from items %v, citing %v; want stated facts, and no citation", r.ID, from, r.Sources)
				continue
			}
			perItem[from[0]].inferred++
		case kg.BasisBackground:
			if len(r.Sources) > 0 {
				t.Errorf("%s is BACKGROUND but cites %v", r.ID, r.Sources)
			}
			refs := itemRef.FindAllStringSubmatch(r.Note, -1)
			n := 0
			for _, m := range refs {
				k, _ := strconv.Atoi(m[1])
				if n != 0 && k != n {
					n = -1
					break
				}
				n = k
			}
			if n < 1 || n > 12 {
				t.Errorf("%s: the note of a BACKGROUND fact names the one item it complements (\"item NN\"): %q", r.ID, r.Note)
				continue
			}
			perItem[n].background++
		}
	}
	checkEvents(t, d, text)
	checkReadmeCounts(t, items, perItem)
}

// checkEvents checks the events' dates, IDs and discrepancies against
// their items.
func checkEvents(t *testing.T, d *kg.Dataset, text map[string]string) {
	datedID := regexp.MustCompile(`^event:(\d{4}(?:-\d{2}){0,2})-`)
	for _, e := range d.Entities {
		for _, x := range e.Discrepancies {
			if !strings.Contains(text[x.Source], x.Says) {
				t.Errorf("%s: the discrepancy says %q, which %s does not", e.ID, x.Says, x.Source)
			}
		}
		if e.Kind != kg.KindEvent {
			continue
		}
		if m := datedID.FindStringSubmatch(e.ID); m != nil && m[1] != e.Date.String() {
			t.Errorf("%s carries the date %s; the event's is %q", e.ID, m[1], e.Date)
		}
		var all string
		for _, s := range e.Sources {
			all += text[s] + "\n"
		}
		for _, date := range []kg.Date{e.Date, e.EndDate} {
			if date.Day == 0 {
				continue
			}
			month := time.Month(date.Month).String()
			if !regexp.MustCompile(`\b`+strconv.Itoa(date.Day)+`\b`).MatchString(all) || !strings.Contains(all, month) {
				t.Errorf("%s is dated %s; its items do not give the day and month", e.ID, date)
			}
		}
	}
}

// checkReadmeCounts compares the table of dataset/README.md, one row per
// item ("| 07 | headline | stated | inferred | background |"), with the
// dataset.
func checkReadmeCounts(t *testing.T, items []item, perItem []counts) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| (\d\d) \|[^|]*\| (\d+) \| (\d+) \| (\d+) \|$`)
	rows := row.FindAllStringSubmatch(string(b), -1)
	if len(rows) != len(items) {
		t.Fatalf("dataset/README.md has %d rows of counts, want one per item (%d)", len(rows), len(items))
	}
	var want strings.Builder
	for n := 1; n <= len(items); n++ {
		c := perItem[n]
		fmt.Fprintf(&want, "| %02d | … | %d | %d | %d |\n", n, c.stated, c.inferred, c.background)
	}
	for _, r := range rows {
		n, _ := strconv.Atoi(r[1])
		got := counts{}
		got.stated, _ = strconv.Atoi(r[2])
		got.inferred, _ = strconv.Atoi(r[3])
		got.background, _ = strconv.Atoi(r[4])
		if n < 1 || n > len(items) || got != perItem[n] {
			t.Errorf("dataset/README.md counts item %s as %+v; the dataset has, item by item:\n%s", r[1], got, want.String())
			return
		}
	}
}
