package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/duckdb"
)

// TestExportEveryProject exports a data dir of two projects through the
// running server and from the database: the same bytes, every project by
// default with each line's projectId, one with --project; and the export
// imports into a new data dir.
func TestExportEveryProject(t *testing.T) {
	dataDir := t.TempDir()
	store, err := duckdb.Open(context.Background(), filepath.Join(dataDir, databaseFile), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, p := range []waymark.Project{
		{ID: "default", Name: "Default", WriteKey: testWriteKey, ReadKey: testReadKey},
		{ID: "shop", Name: "Shop", WriteKey: "wk_shop", ReadKey: "rk_shop"},
	} {
		p.CreatedAt = created.Add(time.Duration(i) * time.Hour)
		if err := store.CreateProject(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()

	srv := startServer(t, dataDir)
	for key, batch := range map[string]string{
		testWriteKey: `{"batch":[{"type":"track","messageId":"d1","userId":"ada","event":"Signed Up"},{"type":"track","messageId":"d2","userId":"ada","event":"Order Completed"},{"type":"track","messageId":"d3","event":"No id"}]}`,
		"wk_shop":    `{"batch":[{"type":"page","messageId":"s1","anonymousId":"v1","name":"Shop"},{"type":"alias","messageId":"s2","userId":"u"}]}`,
	} {
		req, _ := http.NewRequest("POST", "http://"+srv.addr+"/v1/batch", strings.NewReader(batch))
		req.SetBasicAuth(key, "")
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
			t.Fatalf("batch: %v %v", resp, err)
		}
	}
	// Import goes through the running server too, into the project named.
	late := filepath.Join(t.TempDir(), "late.ndjson")
	os.WriteFile(late, []byte(`{"type":"track","messageId":"s3","anonymousId":"v1","event":"Product Viewed"}`+"\n"), 0o600)
	if out, _ := runWaymark(t, true, "import", "--data", dataDir, "--project", "shop", late); !strings.Contains(out, "imported 1 events") {
		t.Errorf("import into shop said %q", out)
	}
	exports := [][]string{nil, {"--rejected"}, {"--project", "shop"}, {"--project", "shop", "--rejected"}}
	live := map[string]string{}
	for _, args := range exports {
		live[strings.Join(args, " ")], _ = runWaymark(t, true, append([]string{"export", "--data", dataDir}, args...)...)
	}
	srv.stop(t)
	for _, args := range exports {
		stored, _ := runWaymark(t, true, append([]string{"export", "--data", dataDir}, args...)...)
		if key := strings.Join(args, " "); stored != live[key] {
			t.Errorf("export %s from the database:\n%s\nthrough the running server:\n%s", key, stored, live[key])
		}
	}

	lines := func(ndjson string) (ids []string) {
		for _, line := range strings.Split(strings.TrimSpace(ndjson), "\n") {
			var e struct{ MessageID, ProjectID string }
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			ids = append(ids, e.ProjectID+"/"+e.MessageID)
		}
		return ids
	}
	for args, want := range map[string]string{
		"":                          "[default/d1 default/d2 shop/s1 shop/s3]",
		"--rejected":                "[default/d3 shop/s2]",
		"--project shop":            "[shop/s1 shop/s3]",
		"--project shop --rejected": "[shop/s2]",
	} {
		if got := strings.Join(lines(live[args]), " "); "["+got+"]" != want {
			t.Errorf("export %s: [%s], want %s", args, got, want)
		}
	}
	_, errOut := runWaymark(t, false, "export", "--data", dataDir, "--project", "blog")
	if want := `no project "blog" in ` + dataDir + `; the projects are default, shop`; !strings.Contains(errOut, want) {
		t.Errorf("export of an unknown project said %q, want %q", errOut, want)
	}

	// An export imports into the default project of another data dir: the
	// projectId and personId of its lines are not read.
	file := filepath.Join(t.TempDir(), "export.ndjson")
	os.WriteFile(file, []byte(live[""]), 0o600)
	other := filepath.Join(t.TempDir(), "other")
	if out, _ := runWaymark(t, true, "import", "--data", other, file); !strings.Contains(out, "imported 4 events, 0 duplicates skipped, 0 rejected") {
		t.Errorf("import of the export said %q", out)
	}
	if out, _ := runWaymark(t, true, "export", "--data", other); fmt.Sprint(lines(out)) != "[default/d1 default/d2 default/s1 default/s3]" {
		t.Errorf("export of the import:\n%s", out)
	}
}
