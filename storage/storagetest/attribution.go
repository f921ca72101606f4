package storagetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// testAttributions runs a random attribution on each of testReports'
// datasets, with spend imported into some of them, and demands the
// reference's answer. It draws from its own generator, so that the other
// random reports stay as they were.
func testAttributions(t *testing.T, s storage.Store, references []*report.Reference) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(17, 19))
	touched, spent := 0, 0
	for d, ref := range references {
		project := fmt.Sprint("r", d)
		if d%4 == 0 {
			var rows []report.SpendRow
			for i, value := range []string{"email", "Direct", "Visit", "none of them"} {
				rows = append(rows, report.SpendRow{Field: []report.Field{"channel", "name"}[i%2], Value: value,
					Day: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Amount: float64(1 + rng.IntN(5000))})
			}
			if err := s.ImportSpend(ctx, project, rows); err != nil {
				t.Fatal(err)
			}
			ref.SpendImports = append(ref.SpendImports, report.SpendImport{ProjectID: project, Rows: rows})
		}
		a := randomAttribution(rng)
		want, wantErr := report.RunAttribution(ctx, ref, project, a)
		got, err := report.RunAttribution(ctx, s, project, a)
		compareReports(t, a, want, wantErr, got, err)
		if err == nil && got.Touched > 0 {
			touched++
			if got.Spend != nil {
				spent++
			}
		}
	}
	// Guards against random attributions that test too little.
	if touched < len(references)/3 || spent < len(references)/20 {
		t.Errorf("only %d of %d attributions had conversions with touches, %d of them with spend: the random reports test too little", touched, len(references), spent)
	}
}

func randomAttribution(rng *rand.Rand) report.Attribution {
	a := report.Attribution{
		Conversion: touch(rng),
		Touch:      []report.Field{"channel", "channel", "name", "acquisition.channel"}[rng.IntN(4)],
		Touches:    []report.Touchpoint{touch(rng)},
		Lookback:   report.Duration(time.Duration(30+rng.IntN(180)) * time.Minute),
		SessionGap: report.Duration(time.Duration(10+rng.IntN(50)) * time.Minute),
		HalfLife:   report.Duration(time.Duration(10+rng.IntN(120)) * time.Minute),
	}
	if rng.IntN(2) == 0 {
		a.Touches = append(a.Touches, touch(rng))
	}
	if rng.IntN(2) == 0 {
		lead, opportunity := touch(rng), touch(rng)
		a.Lead, a.Opportunity = &lead, &opportunity
	}
	if rng.IntN(3) == 0 {
		a.From.Time = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		a.To.Time = a.From.Add(2 * time.Hour)
	}
	return a
}
