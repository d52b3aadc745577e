package graphqlhttp

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestREADMEStatusTable checks that the README's table of statuses says
// what Statuses says, row for row.
func TestREADMEStatusTable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| (\\d{3}) \\| (\\d{3}) \\|")
	documented := map[string][2]int{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		j, _ := strconv.Atoi(m[2])
		g, _ := strconv.Atoi(m[3])
		documented[m[1]] = [2]int{j, g}
	}
	for _, s := range Statuses {
		got, ok := documented[s.Code]
		if !ok {
			t.Errorf("the README's table of statuses has no row for %s", s.Code)
			continue
		}
		if got != [2]int{s.JSON, s.GraphQLResponse} {
			t.Errorf("README: %s is %d / %d, the code says %d / %d", s.Code, got[0], got[1], s.JSON, s.GraphQLResponse)
		}
		delete(documented, s.Code)
	}
	for code := range documented {
		t.Errorf("the README's table of statuses has a row for %s, which Statuses does not list", code)
	}
}
