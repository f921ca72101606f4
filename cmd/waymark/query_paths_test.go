package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueryPaths runs paths queries over three visitors of Home and checks
// every format against the numbers worked out by hand.
func TestQueryPaths(t *testing.T) {
	dataDir, files := t.TempDir(), t.TempDir()
	events := filepath.Join(files, "events.ndjson")
	os.WriteFile(events, []byte(`{"type":"page","messageId":"1","anonymousId":"a1","name":"Home","timestamp":"2026-01-01T10:00:00Z"}
{"type":"page","messageId":"2","anonymousId":"a1","name":"Pricing","timestamp":"2026-01-01T10:01:00Z"}
{"type":"track","messageId":"3","anonymousId":"a1","event":"Signed Up","timestamp":"2026-01-01T10:03:00Z"}
{"type":"page","messageId":"4","anonymousId":"b1","name":"Home","timestamp":"2026-01-01T10:00:00Z"}
{"type":"page","messageId":"5","anonymousId":"b1","name":"Pricing","timestamp":"2026-01-01T10:02:00Z"}
{"type":"page","messageId":"6","anonymousId":"c1","name":"Home","timestamp":"2026-01-01T10:00:00Z"}
{"type":"page","messageId":"7","anonymousId":"c1","name":"Blog","timestamp":"2026-01-01T10:31:00Z"}
`), 0o600)
	runWaymark(t, true, "import", "--data", dataDir, events)
	compare := filepath.Join(files, "compare.yaml")
	os.WriteFile(compare, []byte("start: {event: Home}\nsteps: 3\ncompare:\n  conversion: {event: Signed Up}\n"), 0o600)

	paths := []string{"query", "paths", "--start", "Home", "--steps", "3", "--top", "1"}
	tests := []struct {
		name string
		args []string
		want string // the whole standard output, or with a leading "~" a part of it
	}{
		{"nodes csv", append(paths, "--format", "csv"), `step,name,persons,dropOff
0,Home,3,0
1,Pricing,2,1
1,Other,1,1
2,Signed Up,1,1
`},
		{"edges csv", append(paths, "--format", "csv", "--rows", "edges"), `step,from,to,persons,averageTime,medianTime
0,Home,Pricing,2,90,90
0,Home,Other,1,1860,1860
1,Pricing,Signed Up,1,120,120
`},
		{"paths csv", append(paths, "--format", "csv", "--rows", "paths"), `path,persons,share
Home > Blog,1,0.3333333333333333
Home > Pricing,1,0.3333333333333333
Home > Pricing > Signed Up,1,0.3333333333333333
`},
		{"table", paths, "~     1    Pricing        2   66.67%            1\n"},
		{"table paths", paths, "~most common paths:\n  Home > Blog: 1 (33.33%)\n"},
		{"json", append(paths, "--json"), `~"name": "Other",`},
		{"between", []string{"query", "paths", "--start", "Home", "--end", "Signed Up", "--format", "csv", "--rows", "paths"}, "path,persons,share\nHome > Pricing > Signed Up,1,1\n"},
		{"end", []string{"query", "paths", "--end", "Pricing", "--format", "csv"}, "step,name,persons,dropOff\n-1,Home,2,2\n0,Pricing,2,0\n"},
		// c1's Blog comes 31 minutes after Home, in another session.
		{"session", append(paths, "--session", "--format", "csv"), "step,name,persons,dropOff\n0,Home,3,1\n1,Pricing,2,1\n2,Signed Up,1,1\n"},
		{"persons on Other", append(paths, "--persons", "1", "--name", "Other"), "c1\n\npersons 1 to 1 of 1\n"},
		{"persons on an edge", append(paths, "--persons", "1", "--name", "Pricing", "--next", "Signed Up", "--format", "csv"), "person\na1\n"},
		{"persons dropped off", append(paths, "--persons", "1", "--name", "Pricing", "--drop-off"), "b1\n\npersons 1 to 1 of 1\n"},
		{"funnel of a path", append(paths, "--funnel", "Home > Pricing"), `{
  "steps": [
    {
      "name": "Home",
      "touchpoints": [
        {
          "event": "Home"
        }
      ]
    },
    {
      "name": "Pricing",
      "touchpoints": [
        {
          "event": "Pricing"
        }
      ]
    }
  ],
  "order": "ordered"
}
`},
		{"a group", []string{"query", "paths", "--def", compare, "--group", "converted", "--format", "csv"}, "step,name,persons,dropOff\n0,Home,1,0\n1,Pricing,1,0\n2,Signed Up,1,1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := runWaymark(t, true, append(tt.args, "--data", dataDir)...)
			if part, ok := strings.CutPrefix(tt.want, "~"); ok && !strings.Contains(got, part) || !ok && got != tt.want {
				t.Errorf("waymark %s:\n%s\nwant\n%s", strings.Join(tt.args, " "), got, tt.want)
			}
		})
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{append(paths, "--name", "Home"), "--name goes with --persons STEP"},
		{append(paths, "--rows", "steps"), `--rows "steps": use nodes, edges or paths`},
		{append(paths, "--group", "converted"), `--group "converted": the answer has no such group`},
		{append(paths, "--steps", "40"), "steps: a path is 2 to 20 steps deep, not 40"},
		{append(paths, "--funnel", "Home>Other"), "path[1]: Other stands for the nodes cut from a step"},
	} {
		if _, errOut := runWaymark(t, false, append(bad.args, "--data", dataDir)...); !strings.Contains(errOut, bad.want) {
			t.Errorf("waymark %s: %s, want %s", strings.Join(bad.args, " "), errOut, bad.want)
		}
	}
}
