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

// RequestTimeout bounds every request of a run, through HTTP or straight
// to Neo4j: one that takes longer fails and counts as an error.
const RequestTimeout = 30 * time.Second

// client is shared by all GraphQL requests, with enough idle connections
// for the workers.
var client = &http.Client{
	Timeout:   RequestTimeout,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 64},
}

// GraphQL returns a Request that posts the document with the variables
// vars(i) to url and fails on transport errors, non-200 answers and
// GraphQL errors.
func GraphQL(url, query string, vars func(i int) map[string]any) Request {
	return func(ctx context.Context, i int) error {
		_, err := post(ctx, url, query, vars(i))
		return err
	}
}

// post sends one GraphQL request and returns the data of the answer. It
// fails on transport errors, non-200 answers and GraphQL errors.
func post(ctx context.Context, url, query string, vars map[string]any) (json.RawMessage, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, fmt.Errorf("variables: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, out)
	}
	var r struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("not JSON: %.200s", out)
	}
	if len(r.Errors) > 0 {
		return nil, fmt.Errorf("GraphQL error: %.300s", r.Errors[0])
	}
	return r.Data, nil
}
