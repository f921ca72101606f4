package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportNDJSONAndCSV(t *testing.T) {
	dataDir := t.TempDir()
	files := t.TempDir()
	ndjson := filepath.Join(files, "events.ndjson")
	os.WriteFile(ndjson, []byte(strings.Join([]string{
		`{"type":"track","messageId":"n1","userId":"u1","event":"Signed Up","timestamp":"2025-01-02T03:04:05Z"}`,
		``,
		`{"type":"track","messageId":"n2","event":"No id"}`,
		`{"type":"identify","messageId":"n3","userId":"u1","anonymousId":"a1","traits":{"plan":"pro"}}`,
	}, "\n")), 0o600)
	csv := filepath.Join(files, "orders.csv")
	os.WriteFile(csv, []byte("order,customer,what,when,total\no1,a1,Order Completed,2025-01-03T00:00:00Z,19.5\no2,u2,Order Completed,2025-01-04T00:00:00Z,5\n"), 0o600)

	importer := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(binary, append([]string{"import", "--data", dataDir}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("import %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := importer(ndjson); !strings.Contains(out, "imported 2 events, 0 duplicates skipped, 1 rejected") {
		t.Errorf("ndjson import said %q", out)
	}
	// Importing the same file again skips every event.
	if out := importer(ndjson); !strings.Contains(out, "imported 0 events, 2 duplicates skipped") {
		t.Errorf("second ndjson import said %q", out)
	}

	// While a server holds the database, import goes through it.
	srv := startServer(t, dataDir)
	if out := importer("--map", "messageId=order,anonymousId=customer,event=what,timestamp=when", csv); !strings.Contains(out, "imported 2 events") {
		t.Errorf("csv import said %q", out)
	}
	srv.stop(t)

	events := exportAll(t, dataDir)
	if len(events) != 4 {
		t.Fatalf("exported %d events, want 4", len(events))
	}
	for _, e := range events {
		if e.MessageID == "o1" && (e.PersonID != "u1" || !strings.Contains(string(e.Properties), `"total":19.5`)) {
			t.Errorf("csv order o1 = %+v, want person u1 (merged through a1) and its total", e)
		}
	}
}
