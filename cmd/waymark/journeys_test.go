package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waymark-analytics/waymark/duckdb"
	"github.com/waymark-analytics/waymark/report"
)

// leadNurturing is seed 001's HubSpot journey: six stages, one of them
// reached through either of two touchpoints.
const leadNurturing = `id: lead-nurturing
name: Lead nurturing
stages:
  - name: Lead
    touchpoints: [{event: FormSubmitted}]
  - name: Nurture email 1
    touchpoints: [{event: Email1Delivered}]
  - name: Clicked email 1
    touchpoints: [{event: Email1Clicked}]
  - name: Nurture email 2
    touchpoints: [{event: Email2Delivered}]
  - name: Responded to email 2
    touchpoints:
      - {label: clicked, event: Email2Clicked}
      - {label: replied, event: Email2Replied}
  - name: Sales qualified
    touchpoints: [{event: Qualified, where: [{field: channel, op: in, values: [Email, Direct]}]}]
window: 30d
`

// runWaymark runs the binary and returns its standard output; it fails the
// test unless the exit status is as wanted.
func runWaymark(t *testing.T, wantOK bool, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if (err == nil) != wantOK {
		t.Fatalf("waymark %s: %v, want success %v\n%s%s", strings.Join(args, " "), err, wantOK, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

func TestJourneysCommand(t *testing.T) {
	dataDir, files := t.TempDir(), t.TempDir()
	srv := startServer(t, dataDir)
	// Four leads walk seed 001's journey: one all the way, one replying
	// without clicking, one skipping email 2, one going no further.
	var batch []string
	for person, events := range [][]string{
		{"FormSubmitted", "Email1Delivered", "Email1Clicked", "Email2Delivered", "Email2Clicked", "Qualified"},
		{"FormSubmitted", "Email1Delivered", "Email2Delivered", "Email2Replied"},
		{"FormSubmitted", "Email1Delivered", "Email1Clicked", "Email2Clicked"},
		{"FormSubmitted"},
	} {
		for i, event := range events {
			batch = append(batch, fmt.Sprintf(`{"type":"track","messageId":"%d-%d","anonymousId":"lead-%d","event":%q,"timestamp":"2026-01-%02dT10:00:00Z"}`,
				person, i, person, event, 1+i))
		}
	}
	req, _ := http.NewRequest("POST", "http://"+srv.addr+"/v1/batch", strings.NewReader(`{"batch":[`+strings.Join(batch, ",")+`]}`))
	req.SetBasicAuth(testWriteKey, "")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("batch: %v %v", resp, err)
	}

	write := func(name, text string) string {
		path := filepath.Join(files, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	data := []string{"--data", dataDir}
	journeys := func(wantOK bool, args ...string) (string, string) {
		t.Helper()
		return runWaymark(t, wantOK, append(append([]string{"journeys"}, args...), data...)...)
	}

	// Import while the server holds the database: through the server.
	two := write("two.yaml", "- "+strings.ReplaceAll(strings.TrimSuffix(leadNurturing, "\n"), "\n", "\n  ")+`
- name: Checkout (EU)
  stages:
    - {name: Form, touchpoints: [{event: FormSubmitted}]}
    - {name: Qualified, touchpoints: [{event: Qualified}]}
`)
	out, _ := journeys(true, "import", two)
	for _, want := range []string{"saved lead-nurturing (Lead nurturing) from " + two + ":1", fmt.Sprint("created checkout-eu (Checkout (EU)) from ", two, ":", strings.Count(leadNurturing, "\n")+1)} {
		if !strings.Contains(out, want) {
			t.Errorf("import said:\n%s\nwant %q", out, want)
		}
	}
	out, _ = journeys(true, "list")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 ||
		!strings.HasPrefix(lines[1], "checkout-eu     Checkout (EU)   2       20") ||
		!strings.HasPrefix(lines[2], "lead-nurturing  Lead nurturing  6       20") {
		t.Errorf("list:\n%s", out)
	}
	if out, _ := journeys(true, "show", "lead-nurturing", "--format", "yaml"); !strings.Contains(out, "  - name: Responded to email 2\n    touchpoints:\n      - label: clicked\n") {
		t.Errorf("show:\n%s", out)
	}

	// A saved journey runs as its definition does.
	def := write("lead.yaml", leadNurturing)
	for _, dates := range [][]string{nil, {"--from", "2026-01-02", "--to", "2026-01-05"}} {
		byID, _ := runWaymark(t, true, append(append([]string{"query", "journey", "--json", "--id", "lead-nurturing"}, dates...), data...)...)
		byDef, _ := runWaymark(t, true, append(append([]string{"query", "journey", "--json", "--def", def}, dates...), data...)...)
		if !sameJSONText(t, byID, byDef) || !strings.Contains(byID, `"persons": `) {
			t.Errorf("query journey --id %v:\n%s\nwith --def:\n%s", dates, byID, byDef)
		}
	}
	if table, _ := runWaymark(t, true, append([]string{"query", "journey", "--id", "lead-nurturing"}, data...)...); !strings.Contains(table, "persons 4; conversion first to last stage 25.00%") {
		t.Errorf("query journey --id table:\n%s", table)
	}

	// Export in both formats; each imports back unchanged, here and into
	// a store of its own.
	asJSON, _ := journeys(true, "export", "--format", "json")
	asYAML, _ := journeys(true, "export")
	srv.stop(t)
	if !strings.HasPrefix(asJSON, "[\n  {\n    \"id\": \"checkout-eu\"") || !strings.HasPrefix(asYAML, "- id: checkout-eu\n  name: Checkout (EU)\n") || strings.Contains(asYAML, "updated") {
		t.Errorf("export:\n%s\n%s", asJSON, asYAML)
	}
	other := t.TempDir()
	runWaymark(t, true, "import", "--data", other, write("one.ndjson", batch[0]))
	for _, store := range []string{dataDir, other} {
		for format, text := range map[string]string{"json": asJSON, "yaml": asYAML} {
			runWaymark(t, true, "journeys", "import", "--data", store, write("export."+format, text))
			for format, want := range map[string]string{"json": asJSON, "yaml": asYAML} {
				if got, _ := runWaymark(t, true, "journeys", "export", "--data", store, "--format", format); got != want {
					t.Errorf("%s export after importing the %s export into %s:\n%s\nwant\n%s", format, format, store, got, want)
				}
			}
		}
	}
	if out, _ := journeys(true, "export", "lead-nurturing", "--format", "json"); !strings.HasPrefix(out, "[\n  {\n    \"id\": \"lead-nurturing\"") || strings.Contains(out, "checkout") {
		t.Errorf("export of one journey:\n%s", out)
	}

	// A bad journey is reported with where it is; the others are saved.
	mixed := write("mixed.json", `[
  {"id": "ok", "name": "OK", "stages": [{"name": "A", "touchpoints": [{"event": "A"}]}, {"name": "B", "touchpoints": [{"event": "B"}]}]},
  {"id": "bad", "name": "Bad", "stages": []},
  "not a journey"
]`)
	out, errOut := journeys(false, "import", mixed)
	for _, want := range []string{mixed + ":3: journey 2 (bad): a journey has 2 to 20 stages, not 0", mixed + ":4: journey 3: not a journey", "2 of 3 journeys not imported"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("import of a bad journey said:\n%s\nwant %q", errOut, want)
		}
	}
	if !strings.Contains(out, "saved ok (OK) from "+mixed+":2") {
		t.Errorf("import of a file with a bad journey said:\n%s\nwant ok saved", out)
	}

	// Delete.
	journeys(true, "delete", "ok", "checkout-eu")
	if out, _ := journeys(true, "list"); strings.Contains(out, "checkout-eu") || strings.Contains(out, "ok") || !strings.Contains(out, "lead-nurturing") {
		t.Errorf("list after delete:\n%s", out)
	}
	if _, errOut := journeys(false, "delete", "ok"); !strings.Contains(errOut, `no journey with id "ok"`) {
		t.Errorf("deleting twice said %q", errOut)
	}

	// A journey saved by an older version with a window that no longer
	// reads: list and export go on without it and say so.
	saveUnreadableJourney(t, dataDir)
	problem := `journey too-long cannot be used: window: "73000d" is more than 100 years (100y), the longest duration a report takes; replace it with waymark journeys import, or delete it`
	if out, errOut := journeys(true, "list"); !strings.Contains(out, "too-long") || !strings.Contains(out, "lead-nurturing") || !strings.Contains(errOut, problem) {
		t.Errorf("list with an unreadable journey:\n%s%s", out, errOut)
	}
	if out, errOut := journeys(false, "export"); !strings.HasPrefix(out, "- id: lead-nurturing\n") || strings.Contains(out, "too-long") ||
		!strings.Contains(errOut, problem) || !strings.Contains(errOut, "1 of 2 journeys not exported") {
		t.Errorf("export with an unreadable journey:\n%s%s", out, errOut)
	}
	if out, _ := journeys(true, "show", "too-long"); !strings.Contains(out, "error: 'window: \"73000d\" is more than 100 years") {
		t.Errorf("show of an unreadable journey:\n%s", out)
	}
	if _, errOut := runWaymark(t, false, append([]string{"query", "journey", "--id", "too-long"}, data...)...); !strings.Contains(errOut, `journey "too-long" cannot be used: window: "73000d"`) {
		t.Errorf("query of an unreadable journey said %q", errOut)
	}
	journeys(true, "delete", "too-long")
	if out, errOut := journeys(true, "export"); !strings.HasPrefix(out, "- id: lead-nurturing\n") || errOut != "" {
		t.Errorf("export after deleting the unreadable journey:\n%s%s", out, errOut)
	}
}

// saveUnreadableJourney saves, straight into the database, a journey whose
// window is out of range, as Waymark once let through.
func saveUnreadableJourney(t *testing.T, dataDir string) {
	t.Helper()
	ctx := t.Context()
	store, err := duckdb.Open(ctx, filepath.Join(dataDir, databaseFile), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	projects, err := store.Projects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	j := report.Journey{ID: "too-long", Name: "Too long", Window: 2 * report.MaxDuration, Stages: []report.Stage{
		{Name: "A", Touchpoints: []report.Touchpoint{{Event: "A"}}}, {Name: "B", Touchpoints: []report.Touchpoint{{Event: "B"}}}}}
	if _, err := store.SaveJourney(ctx, projects[0].ID, j); err != nil {
		t.Fatal(err)
	}
}
