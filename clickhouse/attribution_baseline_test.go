package clickhouse

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark/demo"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/segment"
)

// TestLinearAttributionBaseline demands that the benchmark's hand-written
// SQL credits what RunAttribution's linear model credits, on demo data: by
// channel, which every visit has, and by campaign, which most visits lack.
func TestLinearAttributionBaseline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := freshDatabase(servers(t)["single"])(t).Must(t).(*Store)
	pipeline := ingest.NewPipeline(ingest.Options{})
	err := demo.Generate(demo.Options{Seed: 5, Events: 20000}, func(batch []json.RawMessage, receivedAt time.Time) error {
		b := pipeline.Process(ingest.Source{ProjectID: "p", ReceivedAt: receivedAt}, segment.Payload{Messages: batch})
		_, err := s.Write(ctx, b.Events, b.Rejections)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		conversion string
		touch      report.Field
		lookback   time.Duration
	}{
		{"Form Submitted", "channel", 30 * 24 * time.Hour},
		{"Order Completed", "utm_campaign", 7 * 24 * time.Hour},
	} {
		got, err := s.LinearAttribution(ctx, "p", c.conversion, c.touch, c.lookback, 30*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		want, err := report.RunAttribution(ctx, s, "p", report.Attribution{Conversion: report.Touchpoint{Event: c.conversion},
			Touch: c.touch, Models: []report.Model{report.Linear}, Lookback: report.Duration(c.lookback)})
		if err != nil {
			t.Fatal(err)
		}
		credited := map[string]report.Credit{}
		for _, credit := range want.Models[report.Linear] {
			if credit.Conversions != 0 {
				credited[credit.Value] = credit
			}
		}
		if len(got) != len(credited) || len(got) < 3 {
			t.Fatalf("%s by %s: the SQL credits %v, the report %v", c.conversion, c.touch, got, credited)
		}
		for _, g := range got {
			w := credited[g.Value]
			if math.Abs(g.Conversions-w.Conversions) > 1e-9 || math.Abs(g.Revenue-w.Revenue) > 1e-6 {
				t.Errorf("%s by %s, %s: the SQL credits %v conversions and %v revenue, the report %v and %v", c.conversion, c.touch, g.Value, g.Conversions, g.Revenue, w.Conversions, w.Revenue)
			}
		}
	}
}
