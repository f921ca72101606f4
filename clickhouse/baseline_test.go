package clickhouse

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark/demo"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/segment"
)

// TestWindowFunnelBaseline demands that the benchmark's windowFunnel counts
// what an ordered funnel of persons counts, on demo data: steps by name, by
// type, and with a property's value.
func TestWindowFunnelBaseline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := demoStore(t, 7)
	week := 7 * 24 * time.Hour
	for _, steps := range [][]BaselineStep{
		{{Name: "Product Viewed"}, {Name: "Product Added"}, {Name: "Checkout Started"}, {Name: "Order Completed"}},
		{{Type: "page"}, {Name: "Form Submitted"}, {Name: "Email Opened", Property: "campaign_id", Value: "lead_nurture"}},
	} {
		got, err := s.WindowFunnel(ctx, "p", week, steps)
		if err != nil {
			t.Fatal(err)
		}
		funnel := report.Funnel{Window: report.Duration(week), Order: report.Ordered, CountBy: report.ByPersons}
		for _, step := range steps {
			tp := report.Touchpoint{Type: step.Type, Event: step.Name}
			if step.Property != "" {
				tp.Where = []report.Condition{{Field: report.Field("properties." + step.Property), Op: report.Equals, Value: step.Value}}
			}
			funnel.Steps = append(funnel.Steps, report.Step{Touchpoints: []report.Touchpoint{tp}})
		}
		answer, err := report.RunFunnel(ctx, s, "p", funnel)
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, step := range answer.Steps {
			want = append(want, int64(step.Count))
		}
		if !slices.Equal(got, want) || want[len(want)-1] == 0 {
			t.Errorf("%v: windowFunnel counts %v, the funnel %v", steps, got, want)
		}
	}
}

// demoStore is a new database on the single server holding 20,000 demo
// events of the seed in project p, for checking a baseline against reports.
func demoStore(t *testing.T, seed uint64) *Store {
	t.Helper()
	s := freshDatabase(servers(t)["single"])(t).Must(t).(*Store)
	pipeline := ingest.NewPipeline(ingest.Options{})
	err := demo.Generate(demo.Options{Seed: seed, Events: 20000}, func(batch []json.RawMessage, receivedAt time.Time) error {
		b := pipeline.Process(ingest.Source{ProjectID: "p", ReceivedAt: receivedAt}, segment.Payload{Messages: batch})
		_, err := s.Write(context.Background(), b.Events, b.Rejections)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
