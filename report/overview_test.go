package report

import (
	"context"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

// asked records the queries an overview asks.
type asked []OverviewQuery

func (a *asked) Overview(ctx context.Context, q OverviewQuery) ([]OverviewRow, error) {
	*a = append(*a, q)
	return nil, nil
}

func TestOverviewRanges(t *testing.T) {
	now := time.Date(2026, 3, 4, 15, 30, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	for _, tt := range []struct {
		name                       string
		o                          Overview
		from, to, origin, prevFrom time.Time
		width                      time.Duration
		buckets                    int
	}{
		{"the 30 days up to now", Overview{Now: now}, now.AddDate(0, 0, -30), now, day(4).AddDate(0, 0, -30), now.AddDate(0, 0, -60), 24 * time.Hour, 31},
		{"to without from", Overview{To: day(3), Now: now}, day(3).AddDate(0, 0, -30), day(3), day(3).AddDate(0, 0, -30), day(3).AddDate(0, 0, -60), 24 * time.Hour, 30},
		{"weeks start on Monday", Overview{From: day(4), To: day(12), Interval: Week, Now: now}, day(4), day(12), day(2), day(4).AddDate(0, 0, -8), 7 * 24 * time.Hour, 2},
		{"hours", Overview{From: now.Add(-100 * time.Minute), Interval: Hour, Now: now}, now.Add(-100 * time.Minute), now, now.Add(-150 * time.Minute), now.Add(-200 * time.Minute), time.Hour, 3},
	} {
		var a asked
		res, err := RunOverview(context.Background(), &a, "p", tt.o)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(a) != 2 {
			t.Fatalf("%s: %d queries, want 2", tt.name, len(a))
		}
		cur, prev := a[0], a[1]
		if !cur.From.Equal(tt.from) || !cur.To.Equal(tt.to) || !cur.Origin.Equal(tt.origin) || cur.Width != tt.width || !cur.Details {
			t.Errorf("%s: asked %+v", tt.name, cur)
		}
		if !prev.From.Equal(tt.prevFrom) || !prev.To.Equal(tt.from) || prev.Details {
			t.Errorf("%s: previous %+v", tt.name, prev)
		}
		if len(res.Series) != tt.buckets || !res.Series[0].Period.Equal(tt.origin) {
			t.Errorf("%s: series %+v, want %d buckets from %s", tt.name, res.Series, tt.buckets, tt.origin)
		}
	}
	for _, bad := range []Overview{
		{Interval: Month, Now: now},
		{From: day(4), To: day(4), Now: now},
		{From: day(1).AddDate(0, 0, -42), To: day(1), Interval: Hour, Now: now},
	} {
		if _, err := RunOverview(context.Background(), new(asked), "p", bad); waymark.ErrorKind(err) != waymark.KindInvalid {
			t.Errorf("%+v: err = %v, want invalid", bad, err)
		}
	}
}
