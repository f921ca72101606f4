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
	if dated := query("--steps", "Viewed,Bought", "--from", "2026-01-01", "--to", "2026-01-02T00:00:00Z", "--json"); !sameJSONText(t, dated, api.String()) {
		t.Errorf("query with a date range:\n%s\nAPI:\n%s", dated, api.String())
	}
	yamlDef := filepath.Join(t.TempDir(), "dated.yaml")
	os.WriteFile(yamlDef, []byte("steps:\n  - touchpoints: [{event: Viewed}]\n  - touchpoints: [{event: Bought}]\nwindow: 1d\nfrom: 2026-01-01\n"), 0o600)
	if dated := query("--def", yamlDef, "--json"); !sameJSONText(t, dated, api.String()) {
		t.Errorf("query of YAML with an unquoted date:\n%s\nAPI:\n%s", dated, api.String())
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--steps", "Viewed,Bought", "--window", "300y"}, `window: "300y" is more than 100 years (100y), the longest duration a report takes`},
		{[]string{"--steps", "Viewed,Bought", "--from", "yesterday"}, `from: "yesterday" is not a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z)`},
		{[]string{"--def", write(t, "list.yaml", "- steps: []\n")}, "list.yaml: line 1: expected a mapping of the definition's fields, not a list"},
		{[]string{"--def", write(t, "typo.yaml", "steps: []\nwindw: 1d\n")}, `unknown field "windw"; the fields here are steps, window,`},
		{[]string{"--def", write(t, "value.yaml", "steps:\n  - touchpoints: [{where: [{field: properties.n, op: '=', value: 5}]}]\n")}, `steps[0].touchpoints[0].where[0].value: expected a string, not a number`},
	} {
		out, err := exec.Command(binary, append([]string{"query", "funnel", "--data", dataDir}, bad.args...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), bad.want) || strings.Contains(string(out), "Go ") || strings.Contains(string(out), "report.") {
			t.Errorf("query %v: %v\n%s\nwant an error with %s", bad.args, err, out, bad.want)
		}
	}
}

// write writes a file in a new temporary directory and returns its path.
func write(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
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
	if want := "warning: no events yet: the dashboard of this server shows how to send the first one\n"; stderr.String() != want {
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
	for _, bad := range []struct{ file, text, want string }{
		{"def.json", `[{"steps": []}]`, "def.json: expected an object, not a list"},
		{"def.json", `{"steps": [],}`, "def.json: not valid JSON at line 1, column 14: invalid character '}' looking for beginning of object key string"},
		{"def.json", ``, "def.json: expected a JSON object, found nothing"},
		{"def.yaml", "- steps: []\n", "def.yaml: line 1: expected a mapping of the definition's fields, not a list"},
		{"def.yaml", "funnel\n", "def.yaml: line 1: expected a mapping of the definition's fields, not a single value"},
		{"def.yaml", "", "def.yaml: expected a definition, found nothing"},
		{"def.yaml", "steps: [a\n", "def.yaml: line 1: did not find expected ',' or ']'"},
	} {
		path := filepath.Join(t.TempDir(), bad.file)
		if err := os.WriteFile(path, []byte(bad.text), 0o600); err != nil {
			t.Fatal(err)
		}
		err := readDefinition(path, new(map[string]any))
		if err == nil || err.Error() != filepath.Dir(path)+"/"+bad.want {
			t.Errorf("reading %q: %v, want %s", bad.text, err, bad.want)
		}
	}
}

// TestQueryFormats runs each kind of query over two visitors, one of whom
// buys an hour after viewing, and checks every format against the numbers
// worked out by hand.
func TestQueryFormats(t *testing.T) {
	dataDir, files := t.TempDir(), t.TempDir()
	events := filepath.Join(files, "events.ndjson")
	os.WriteFile(events, []byte(`{"type":"track","messageId":"1","anonymousId":"a1","event":"Viewed","timestamp":"2026-01-01T10:00:00Z"}
{"type":"identify","messageId":"2","anonymousId":"a1","userId":"ada","timestamp":"2026-01-01T10:05:00Z","traits":{"plan":"pro","company":{"name":"Acme"}}}
{"type":"track","messageId":"3","userId":"ada","event":"Bought","timestamp":"2026-01-01T11:00:00Z"}
{"type":"track","messageId":"4","anonymousId":"b1","event":"Viewed","timestamp":"2026-01-01T10:00:00Z"}
`), 0o600)
	runWaymark(t, true, "import", "--data", dataDir, events)
	journey := filepath.Join(files, "journey.yaml")
	os.WriteFile(journey, []byte("name: Buying\nstages:\n  - {name: Seen, touchpoints: [{event: Viewed}]}\n  - {name: Paid, touchpoints: [{event: Bought}]}\n"), 0o600)

	funnel := []string{"query", "funnel", "--steps", "Viewed,Bought", "--window", "1d"}
	tests := []struct {
		name string
		args []string
		want string // the whole standard output, or with a leading "~" a part of it
	}{
		{"funnel csv", append(funnel, "--format", "csv"), `step,name,optional,count,conversionFromPrevious,conversionFromFirst,dropOff,inProgress,medianTimeFromPrevious,medianTimeFromFirst
1,Viewed,false,2,1,1,0,0,,0
2,Bought,false,1,0.5,0.5,1,0,3600,3600
`},
		{"funnel table", funnel, "~  2 Bought      1         50.00%      50.00%        1            0                       1.0h\n\nentered 2, converted 1 (50.00%)"},
		{"funnel json", append(funnel, "--format", "json"), `~"conversion": 0.5,`},
		{"funnel --json", append(funnel, "--json"), `~"conversion": 0.5,`},
		{"funnel breakdown csv", append(funnel, "--breakdown", "properties.plan", "--format", "csv"), `breakdown,step,name,optional,count,conversionFromPrevious,conversionFromFirst,dropOff,inProgress,medianTimeFromPrevious,medianTimeFromFirst
(none),1,Viewed,false,2,1,1,0,0,,0
(none),2,Bought,false,1,0.5,0.5,1,0,3600,3600
`},
		{"reached", append(funnel, "--persons", "2"), "ada\n\npersons 1 to 1 of 1\n"},
		{"dropped csv", append(funnel, "--persons", "2", "--outcome", "dropped", "--format", "csv"), "person\nb1\n"},
		{"in progress", append(funnel, "--persons", "2", "--outcome", "in_progress"), "no persons here (of 0)\n"},
		{"a page", append(funnel, "--persons", "1", "--limit", "1"), "ada\n\npersons 1 to 1 of 2; --offset 1 for more\n"},
		{"the next page", append(funnel, "--persons", "1", "--limit", "1", "--offset", "1"), "b1\n\npersons 2 to 2 of 2\n"},
		{"drill-down json", append(funnel, "--persons", "1", "--json"), `~"persons": [
    "ada",
    "b1"
  ],`},
		{"journey stages csv", []string{"query", "journey", "--def", journey, "--format", "csv"}, `stage,name,reached,entered,dropOff,movedOn,medianTimeInStage
1,Seen,2,2,1,0.5,3600
2,Paid,1,0,1,0,
`},
		{"journey flows csv", []string{"query", "journey", "--def", journey, "--format", "csv", "--rows", "flows"}, `from,fromName,to,toName,persons,skip,medianTime
0,(entry),1,Seen,2,false,0
1,Seen,2,Paid,1,false,3600
`},
		{"journey table", []string{"query", "journey", "--def", journey}, "~  Seen -> Paid: 1\n\npersons 2; conversion first to last stage 50.00%"},
		{"person", []string{"query", "person", "a1"}, "id                         ada\n" +
			"ids                        [\"a1\",\"ada\"]\n" +
			"traits.company.name        Acme\n" +
			"traits.plan                pro\n" +
			"firstSeen                  2026-01-01T10:00:00Z\n" +
			"lastSeen                   2026-01-01T11:00:00Z\n" +
			"acquisition.channel        Direct\n" +
			"acquisition.utm_source     \n" +
			"acquisition.utm_medium     \n" +
			"acquisition.utm_campaign   \n" +
			"acquisition.utm_content    \n" +
			"acquisition.referrer_host  \n" +
			"acquisition.landing_page   \n" +
			"acquisition.first_seen     2026-01-01\n"},
		{"person csv", []string{"query", "person", "ada", "--format", "csv"}, `id,ids,traits.company.name,traits.plan,firstSeen,lastSeen,acquisition.channel,acquisition.utm_source,acquisition.utm_medium,acquisition.utm_campaign,acquisition.utm_content,acquisition.referrer_host,acquisition.landing_page,acquisition.first_seen
ada,"[""a1"",""ada""]",Acme,pro,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,Direct,,,,,,,2026-01-01
`},
		{"person json", []string{"query", "person", "--format", "json", "b1"}, `~"id": "b1",`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := runWaymark(t, true, append(tt.args, "--data", dataDir)...)
			if part, ok := strings.CutPrefix(tt.want, "~"); ok && !strings.Contains(got, part) || !ok && got != tt.want {
				t.Errorf("waymark %s:\n%s\nwant\n%s", strings.Join(tt.args, " "), got, tt.want)
			}
		})
	}
	if _, errOut := runWaymark(t, false, "query", "person", "nobody", "--data", dataDir); !strings.Contains(errOut, `no person with id "nobody"`) {
		t.Errorf("unknown person: %s", errOut)
	}
}

func TestWriteCSVGuardsFormulas(t *testing.T) {
	tests := []struct{ cell, want string }{
		{"Viewed", "Viewed"},
		{"", ""},
		{"=HYPERLINK(\"https://evil.example\")", `"'=HYPERLINK(""https://evil.example"")"`},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\r=x", "\"'\r=x\""},
		{"-0.25", "-0.25"},
		{"-12", "-12"},
		{"-", "'-"},
		{"-Inf", "'-Inf"},
		{"-1e3", "'-1e3"},
		{"a=b", "a=b"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := writeCSV(&out, [][]string{{"x", tt.cell}}); err != nil {
			t.Fatal(err)
		}
		if got, want := out.String(), "x,"+tt.want+"\n"; got != want {
			t.Errorf("cell %q: wrote %q, want %q", tt.cell, got, want)
		}
	}
}

// TestQueryCSVGuardsFormulas checks that names and person ids from the
// data, which anyone with the write key sends, reach a CSV file guarded.
func TestQueryCSVGuardsFormulas(t *testing.T) {
	dataDir := t.TempDir()
	events := filepath.Join(t.TempDir(), "events.ndjson")
	os.WriteFile(events, []byte(`{"type":"track","messageId":"1","anonymousId":"=1+2","event":"@Viewed","timestamp":"2026-01-01T10:00:00Z"}
{"type":"track","messageId":"2","anonymousId":"-2+3","event":"@Viewed","timestamp":"2026-01-01T10:00:00Z"}
`), 0o600)
	runWaymark(t, true, "import", "--data", dataDir, events)
	funnel := []string{"query", "funnel", "--steps", "@Viewed,Bought", "--format", "csv", "--data", dataDir}
	if got, _ := runWaymark(t, true, funnel...); !strings.Contains(got, "\n1,'@Viewed,false,2,") {
		t.Errorf("funnel csv:\n%s", got)
	}
	if got, _ := runWaymark(t, true, append(funnel, "--persons", "1")...); got != "person\n'-2+3\n'=1+2\n" {
		t.Errorf("persons csv:\n%s", got)
	}
}
