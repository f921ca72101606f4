package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueryPrintsTheAPIsNumbers runs the same funnel through the API and
// through `waymark query`, while the server holds the database and after it
// stopped, and demands the same answer; the table shows the same numbers.
func TestQueryPrintsTheAPIsNumbers(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)
	batch := `{"batch":[
		{"type":"track","messageId":"1","anonymousId":"a1","event":"Viewed","timestamp":"2026-01-01T10:00:00Z"},
		{"type":"identify","messageId":"2","anonymousId":"a1","userId":"ada","timestamp":"2026-01-01T10:05:00Z"},
		{"type":"track","messageId":"3","userId":"ada","event":"Bought","timestamp":"2026-01-01T11:00:00Z"},
		{"type":"track","messageId":"4","anonymousId":"b1","event":"Viewed","timestamp":"2026-01-01T10:00:00Z"}]}`
	req, _ := http.NewRequest("POST", "http://"+srv.addr+"/v1/batch", strings.NewReader(batch))
	req.SetBasicAuth(testWriteKey, "")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("batch: %v %v", resp, err)
	}
	funnel := `{"steps":[{"touchpoints":[{"event":"Viewed"}]},{"touchpoints":[{"event":"Bought"}]}],"window":"1d"}`
	req, _ = http.NewRequest("POST", "http://"+srv.addr+"/api/v1/funnels", strings.NewReader(funnel))
	req.Header.Set("Authorization", "Bearer "+testReadKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var api bytes.Buffer
	api.ReadFrom(resp.Body)
	resp.Body.Close()

	query := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(binary, append([]string{"query", "funnel", "--data", dataDir}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("query %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	def := filepath.Join(t.TempDir(), "funnel.yaml")
	os.WriteFile(def, []byte("steps:\n  - touchpoints: [{event: Viewed}]\n  - touchpoints: [{event: Bought}]\nwindow: 1d\n"), 0o600)
	answers := map[string]string{
		"through the server":       query("--steps", "Viewed,Bought", "--window", "1d", "--json"),
		"through the server, YAML": query("--def", def, "--json"),
	}
	srv.stop(t)
	answers["from the database"] = query("--steps", "Viewed,Bought", "--window", "1d", "--json")
	for how, answer := range answers {
		if !sameJSONText(t, answer, api.String()) {
			t.Errorf("query %s:\n%s\nAPI:\n%s", how, answer, api.String())
		}
	}
	if table := query("--steps", "Viewed,Bought", "--window", "1d"); !strings.Contains(table, "entered 2, converted 1 (50.00%)") {
		t.Errorf("table:\n%s", table)
	}
}

// TestQueryWarns prints a report's warnings to standard error, the numbers
// to standard output.
func TestQueryWarns(t *testing.T) {
	dataDir := t.TempDir()
	startServer(t, dataDir).stop(t) // a project without events
	cmd := exec.Command(binary, "query", "funnel", "--data", dataDir, "--steps", "Trial Startd,Paid")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("query: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if want := "warning: no events yet: see docs/api.md to send the first one\n"; stderr.String() != want {
		t.Errorf("standard error %q, want %q", stderr.String(), want)
	}
	if !strings.Contains(stdout.String(), "entered 0, converted 0") {
		t.Errorf("standard output:\n%s", stdout.String())
	}
}

func sameJSONText(t *testing.T, a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func TestReadDefinition(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // the definition as JSON
	}{
		{"json", `{"steps": ["a"], "window": "7d"}`, `{"steps":["a"],"window":"7d"}`},
		{"json with an escaped slash", `{"path": "\/pricing"}`, `{"path":"/pricing"}`},
		{"yaml", "steps: [a]\nwindow: 7d\n", `{"steps":["a"],"window":"7d"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "def")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := readDefinition(path, &got); err != nil {
				t.Fatal(err)
			}
			if b, _ := json.Marshal(got); string(b) != tt.want {
				t.Errorf("read %s, want %s", b, tt.want)
			}
		})
	}
	if err := readDefinition(filepath.Join(t.TempDir(), "missing"), new(map[string]any)); err == nil {
		t.Error("reading a missing file: no error")
	}
}
