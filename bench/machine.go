package bench

import (
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Report is what results.json holds: the run's settings, the machine, and
// every result.
type Report struct {
	Entities  int     `json:"entities"`
	Relations int     `json:"relations"`
	Mode      string  `json:"mode"`
	Workers   int     `json:"workers"`
	DurationS float64 `json:"duration_s"`
	// CPUs is the number of CPUs this process may use, detected (see CPUs).
	CPUs             int `json:"cpus"`
	PuenteNeo4jRSSKB int `json:"puente_neo4j_rss_kb"`
	// Order is, per workload, the order in which the contenders ran.
	Order map[string][]string `json:"order"`
	// Flagged lists the runs that had errors ("workload/contender").
	Flagged []string `json:"flagged"`
	When    string   `json:"when"`
	Results []Result `json:"results"`
}

// NewReport fills in what a report derives from the results and the
// machine.
func NewReport(results []Result, order map[string][]string) Report {
	flagged := Flagged(results)
	if flagged == nil {
		flagged = []string{}
	}
	return Report{
		CPUs: CPUs(), Order: order, Flagged: flagged, Results: results,
		When: time.Now().UTC().Format(time.RFC3339),
	}
}

// CPUs returns how many CPUs this process may use: the CPUs it may run on,
// lowered to the cgroup's CPU quota when there is one (a container limited
// to 2 CPUs on a larger host).
func CPUs() int {
	n := runtime.NumCPU()
	if b, err := os.ReadFile("/sys/fs/cgroup/cpu.max"); err == nil {
		if q, ok := cgroupCPUs(string(b)); ok && q < n {
			n = q
		}
	}
	return n
}

// cgroupCPUs reads a cgroup v2 cpu.max ("quota period", or "max period"
// for no limit) as a whole number of CPUs, rounded up.
func cgroupCPUs(s string) (int, bool) {
	f := strings.Fields(s)
	if len(f) != 2 || f[0] == "max" {
		return 0, false
	}
	quota, err1 := strconv.ParseFloat(f[0], 64)
	period, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil || quota <= 0 || period <= 0 {
		return 0, false
	}
	return int(math.Ceil(quota / period)), true
}
