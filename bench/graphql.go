package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Workload is one GraphQL document with the names of its variables.
type Workload struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// LoadWorkloads reads a workloads file: workload name → document and
// sample variables.
func LoadWorkloads(path string) (map[string]Workload, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var w map[string]Workload
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}

// client is shared by all GraphQL requests, with enough idle connections
// for the workers.
var client = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 64},
}

// GraphQL returns a Request that posts the document with the variables
// vars(i) to url and fails on transport errors, non-200 answers and
// GraphQL errors.
func GraphQL(url, query string, vars func(i int) map[string]any) Request {
	return func(ctx context.Context, i int) error {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars(i)})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, out)
		}
		var r struct {
			Errors []json.RawMessage `json:"errors"`
		}
		if err := json.Unmarshal(out, &r); err != nil {
			return fmt.Errorf("not JSON: %.200s", out)
		}
		if len(r.Errors) > 0 {
			return fmt.Errorf("GraphQL error: %.300s", r.Errors[0])
		}
		return nil
	}
}
