package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueryAttribution imports events and ad spend, twice, and checks each
// format of an attribution against the numbers worked out by hand: one
// order of 80 after clicks on brand and then ebook, brand's 30 and ebook's
// 20 of spend.
func TestQueryAttribution(t *testing.T) {
	dataDir, files := t.TempDir(), t.TempDir()
	events := filepath.Join(files, "events.ndjson")
	os.WriteFile(events, []byte(`{"type":"page","messageId":"1","anonymousId":"a1","name":"Home","timestamp":"2026-03-01T10:00:00Z","context":{"campaign":{"name":"brand","source":"google","medium":"cpc"}}}
{"type":"page","messageId":"2","anonymousId":"a1","name":"Home","timestamp":"2026-03-02T10:00:00Z","context":{"campaign":{"name":"ebook","source":"facebook","medium":"paid_social"}}}
{"type":"track","messageId":"3","anonymousId":"a1","event":"Order","timestamp":"2026-03-02T11:00:00Z","properties":{"revenue":80}}
{"type":"page","messageId":"4","anonymousId":"b1","name":"Home","timestamp":"2026-03-01T10:00:00Z","context":{"campaign":{"name":"brand","source":"google","medium":"cpc"}}}
`), 0o600)
	runWaymark(t, true, "import", "--data", dataDir, events)
	spend := filepath.Join(files, "spend.csv")
	os.WriteFile(spend, []byte("date,utm_campaign,spend\n2026-03-01,brand,30\n2026-03-02,ebook,20\n"), 0o600)
	for range 2 {
		if out, _ := runWaymark(t, true, "import", "--data", dataDir, "--spend", spend); out != "imported the spend of 2 values and days of utm_campaign, 2026-03-01 to 2026-03-02; rows already stored for them were replaced\n" {
			t.Errorf("import --spend said %q", out)
		}
	}
	bad := filepath.Join(files, "bad.csv")
	os.WriteFile(bad, []byte("date,utm_campaign,spend\n2026-03-01,brand,300\n2026-03-02,ebook,1.234,5\n"), 0o600)
	if _, errOut := runWaymark(t, false, "import", "--data", dataDir, "--spend", bad); !strings.Contains(errOut, "bad.csv: the spend file was not imported: line 3: 4 columns, not 3") {
		t.Errorf("a bad spend file: %s", errOut)
	}

	query := []string{"query", "attribution", "--conversion", "Order", "--touch", "utm_campaign", "--models", "linear,first_touch", "--data", dataDir}
	for _, tt := range []struct {
		name string
		args []string
		want string // the whole standard output, or with a leading "~" a part of it
	}{
		{"credits csv", []string{"--format", "csv"}, `model,value,conversions,revenue,costPerConversion,roas
first_touch,brand,1,80,30,2.6666666666666665
first_touch,ebook,0,0,,0
linear,brand,0.5,40,60,1.3333333333333333
linear,ebook,0.5,40,40,2
`},
		{"values csv", []string{"--format", "csv", "--rows", "values"}, `value,touches,leads,customers,medianTimeToConvert,spend
brand,2,,1,90000,30
ebook,1,,1,3600,20
`},
		{"table", nil, "~brand         1.00    0.50\n"},
		{"table totals", nil, "~\nconversions 1, revenue 80.00, 1 with a touch; time to convert from the first touch: median 25.0h\n"},
		{"json", []string{"--json"}, `~"costPerConversion": 60,`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := runWaymark(t, true, append(query, tt.args...)...)
			if part, ok := strings.CutPrefix(tt.want, "~"); ok && !strings.Contains(got, part) || !ok && got != tt.want {
				t.Errorf("waymark %s:\n%s\nwant\n%s", strings.Join(tt.args, " "), got, tt.want)
			}
		})
	}
	if _, errOut := runWaymark(t, false, "query", "attribution", "--data", dataDir, "--touch", "channel"); !strings.Contains(errOut, "name the conversion and the touch field") {
		t.Errorf("no conversion: %s", errOut)
	}
}
