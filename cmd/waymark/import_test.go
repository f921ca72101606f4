package main

import (
	"fmt"
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
		`this line is not JSON`,
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
	if out := importer(ndjson); !strings.Contains(out, "imported 2 events, 0 duplicates skipped, 2 rejected") {
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
	// Realistic browser messages of about 900 bytes: more than one request's
	// worth of them, which the importer must split under Segment's 500 KB.
	big := filepath.Join(files, "pages.ndjson")
	var lines []string
	for i := range 1500 {
		lines = append(lines, fmt.Sprintf(`{"type":"page","messageId":"p%d","anonymousId":"v%d","name":"Pricing","context":{"userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36","page":{"url":"https://shop.example/pricing?utm_source=google&utm_medium=cpc&utm_campaign=spring","referrer":"https://www.google.com/","title":"Pricing","path":"/pricing"},"library":{"name":"analytics.js","version":"next-1.70.0"},"locale":"nl-NL"},"properties":{"note":%q}}`, i, i, strings.Repeat("x", 400)))
	}
	os.WriteFile(big, []byte(strings.Join(lines, "\n")), 0o600)
	if out := importer(big); !strings.Contains(out, "imported 1500 events") {
		t.Errorf("large import said %q", out)
	}
	srv.stop(t)

	events := exportAll(t, dataDir)
	if len(events) != 1504 {
		t.Fatalf("exported %d events, want 1504", len(events))
	}
	for _, e := range events {
		if e.MessageID == "o1" && (e.PersonID != "u1" || !strings.Contains(string(e.Properties), `"total":19.5`)) {
			t.Errorf("csv order o1 = %+v, want person u1 (merged through a1) and its total", e)
		}
	}
}
