package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

func spendDay(d int) time.Time { return time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }

// testSpend imports ad spend as report.Reference defines it: a row
// replaces the one of the same field, value and day, so importing a file
// twice does not double it; an import with a bad row stores nothing;
// projects and fields keep their own; the rows outlast a restart.
func testSpend(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	ref := &report.Reference{}
	imports := func(project string, rows ...report.SpendRow) {
		t.Helper()
		if err := s.ImportSpend(ctx, project, rows); err != nil {
			t.Fatal(err)
		}
		ref.SpendImports = append(ref.SpendImports, report.SpendImport{ProjectID: project, Rows: rows})
	}
	row := func(field report.Field, value string, day int, amount float64) report.SpendRow {
		return report.SpendRow{Field: field, Value: value, Day: spendDay(day), Amount: amount}
	}
	if got := readSpend(t, s, "p", "utm_campaign", 0, 0); got != "null" {
		t.Fatalf("a new store has spend %s", got)
	}
	file := []report.SpendRow{row("utm_campaign", "brand", 0, 10.25), row("utm_campaign", "brand", 1, 20), row("utm_campaign", "ebook <&> \"é\"", 1, 0.1)}
	imports("p", file...)
	imports("p", file...)
	imports("p", row("utm_campaign", "brand", 1, 25), row("utm_campaign", "webinar", 3, 1e6))
	imports("q", row("utm_campaign", "brand", 1, 99))
	imports("p", row("utm_content", "brand", 1, 7))
	bad := []report.SpendRow{row("utm_campaign", "new", 2, 5), row("utm_campaign", "brand", 2, -1)}
	if err := s.ImportSpend(ctx, "p", bad); waymark.ErrorKind(err) != waymark.KindInvalid {
		t.Fatalf("an import with a negative amount: err = %v, want it refused", err)
	}
	want := `[{"field":"utm_campaign","value":"brand","day":"2026-09-01","spend":10.25},{"field":"utm_campaign","value":"brand","day":"2026-09-02","spend":25},` +
		`{"field":"utm_campaign","value":"ebook \u003c\u0026\u003e \"é\"","day":"2026-09-02","spend":0.1},{"field":"utm_campaign","value":"webinar","day":"2026-09-04","spend":1000000}]`
	if got := readSpend(t, s, "p", "utm_campaign", 0, 0); got != want {
		t.Errorf("spend\n got %s\nwant %s", got, want)
	}
	compareSpend(t, s, ref, "after imports")
	s.Close()
	s = open.Must(t)
	compareSpend(t, s, ref, "after a restart")

	rng := rand.New(rand.NewPCG(21, 23))
	for round := range 6 {
		var rows []report.SpendRow
		seen := map[string]bool{}
		for range 1 + rng.IntN(6) {
			r := row([]report.Field{"utm_campaign", "channel"}[rng.IntN(2)], fmt.Sprint("v", rng.IntN(3)), rng.IntN(5), float64(rng.IntN(100000))/100)
			if key := fmt.Sprint(r.Field, r.Value, r.Day); !seen[key] {
				seen[key] = true
				rows = append(rows, r)
			}
		}
		imports([]string{"p", "q"}[rng.IntN(2)], rows...)
		compareSpend(t, s, ref, fmt.Sprint("after random import ", round))
	}
}

// readSpend returns a project's spend of a field from day first to end
// (0 for open), sorted, as JSON.
func readSpend(t *testing.T, s report.SpendReader, project string, field report.Field, first, end int) string {
	t.Helper()
	var from, to time.Time
	if first != 0 {
		from = spendDay(first)
	}
	if end != 0 {
		to = spendDay(end)
	}
	rows, err := s.Spend(context.Background(), project, field, from, to)
	if err != nil {
		t.Fatal(err)
	}
	report.SortSpend(rows)
	b, _ := json.Marshal(rows)
	return string(b)
}

// compareSpend demands the reference's spend of every project, field and
// a few ranges of days.
func compareSpend(t *testing.T, s storage.Store, ref *report.Reference, when string) {
	t.Helper()
	for _, project := range []string{"p", "q"} {
		for _, field := range []report.Field{"utm_campaign", "utm_content", "channel"} {
			for _, days := range [][2]int{{0, 0}, {1, 0}, {0, 2}, {1, 4}, {3, 3}} {
				want, got := readSpend(t, ref, project, field, days[0], days[1]), readSpend(t, s, project, field, days[0], days[1])
				if got != want {
					t.Errorf("%s: spend of %s in %s, days %v:\n got %s\nwant %s", when, field, project, days, got, want)
				}
			}
		}
	}
}
