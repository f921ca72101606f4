package storagetest

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// testOverview checks every overview number on a small dataset worked out
// by hand: a visitor who signs up after a visit in the previous period
// counts as a person of both and as new in neither, revenue in two
// currencies adds up as it is, the range ends before its end.
func testOverview(t *testing.T, open Opener) {
	s := open.Must(t)
	day := func(d, h, m int) time.Time { return time.Date(2026, 1, d, h, m, 0, 0, time.UTC) }
	event := func(id string, typ waymark.MessageType, anon, user string, at time.Time, name, path, channel, campaign string) waymark.Event {
		return waymark.Event{ProjectID: "p", MessageID: id, Type: typ, Name: name, AnonymousID: anon, UserID: user,
			Timestamp: at, ReceivedAt: at, Page: waymark.PageInfo{Path: path}, Campaign: waymark.Campaign{Channel: channel, Name: campaign}}
	}
	paid := func(e waymark.Event, amount float64, currency string) waymark.Event {
		e.Revenue = &waymark.Money{Amount: amount, Currency: currency}
		return e
	}
	other := event("q1", waymark.Track, "A1", "", day(5, 9, 0), "Order Completed", "", "", "")
	other.ProjectID = "q"
	write(t, s,
		event("p1", waymark.Page, "A1", "", day(3, 10, 0), "", "/home", "Organic Search", ""),
		paid(event("p2", waymark.Track, "", "u2", day(4, 9, 0), "Order Completed", "", "", ""), 10, "EUR"),
		event("e1", waymark.Page, "A1", "", day(5, 8, 0), "", "/pricing", "Paid Search", "spring"),
		event("e2", waymark.Identify, "A1", "ada", day(5, 8, 30), "", "", "", ""),
		paid(event("e3", waymark.Track, "", "ada", day(5, 9, 0), "Order Completed", "", "", ""), 49.5, "EUR"),
		event("e4", waymark.Page, "B1", "", day(5, 12, 0), "", "/pricing", "Paid Search", "spring"),
		event("e5", waymark.Page, "B1", "", day(6, 10, 0), "", "/home", "Direct", ""),
		event("e6", waymark.Track, "C1", "", day(6, 11, 0), "Signed Up", "", "Email", "newsletter"),
		paid(event("e7", waymark.Track, "", "u2", day(6, 12, 0), "Order Completed", "", "", ""), 20.25, "USD"),
		event("e8", waymark.Page, "C1", "", day(7, 0, 0).Add(-time.Microsecond), "", "/pricing", "Email", ""),
		event("e9", waymark.Page, "D1", "", day(7, 0, 0), "", "/x", "Direct", ""),
		other,
	)
	tests := []struct {
		name string
		o    report.Overview
		want string
	}{
		{"days", report.Overview{From: day(5, 0, 0), To: day(7, 0, 0), Goal: "Order Completed"}, `{
			"from":"2026-01-05T00:00:00Z","to":"2026-01-07T00:00:00Z",
			"previousFrom":"2026-01-03T00:00:00Z","previousTo":"2026-01-05T00:00:00Z",
			"totals":{"events":{"value":8,"previous":2},"persons":{"value":4,"previous":2},
				"newPersons":{"value":2,"previous":2},"conversions":{"value":2,"previous":1},
				"revenue":{"value":69.75,"previous":10}},
			"series":[{"period":"2026-01-05T00:00:00Z","events":4,"persons":2},{"period":"2026-01-06T00:00:00Z","events":4,"persons":3}],
			"top":{
				"channels":[{"value":"Paid Search","persons":2,"events":2},{"value":"Email","persons":1,"events":2},{"value":"Direct","persons":1,"events":1}],
				"campaigns":[{"value":"spring","persons":2,"events":2},{"value":"newsletter","persons":1,"events":1}],
				"pages":[{"value":"/pricing","persons":3,"events":3},{"value":"/home","persons":1,"events":1}],
				"events":[{"value":"Order Completed","persons":2,"events":2},{"value":"Signed Up","persons":1,"events":1}]},
			"warnings":[]}`},
		{"hours from the middle of one", report.Overview{From: day(6, 10, 30), To: day(6, 12, 30), Interval: report.Hour}, `{
			"from":"2026-01-06T10:30:00Z","to":"2026-01-06T12:30:00Z",
			"previousFrom":"2026-01-06T08:30:00Z","previousTo":"2026-01-06T10:30:00Z",
			"totals":{"events":{"value":2,"previous":1},"persons":{"value":2,"previous":1},
				"newPersons":{"value":1,"previous":0},"conversions":{"value":0,"previous":0},
				"revenue":{"value":20.25,"previous":0}},
			"series":[{"period":"2026-01-06T10:00:00Z","events":0,"persons":0},{"period":"2026-01-06T11:00:00Z","events":1,"persons":1},
				{"period":"2026-01-06T12:00:00Z","events":1,"persons":1}],
			"top":{"channels":[{"value":"Email","persons":1,"events":1}],"campaigns":[{"value":"newsletter","persons":1,"events":1}],
				"pages":[],"events":[{"value":"Order Completed","persons":1,"events":1},{"value":"Signed Up","persons":1,"events":1}]},
			"warnings":[]}`},
		{"a week of nothing", report.Overview{From: day(19, 0, 0), To: day(26, 0, 0), Interval: report.Week, Goal: "Nope"}, `{
			"from":"2026-01-19T00:00:00Z","to":"2026-01-26T00:00:00Z",
			"previousFrom":"2026-01-12T00:00:00Z","previousTo":"2026-01-19T00:00:00Z",
			"totals":{"events":{"value":0,"previous":0},"persons":{"value":0,"previous":0},
				"newPersons":{"value":0,"previous":0},"conversions":{"value":0,"previous":0},
				"revenue":{"value":0,"previous":0}},
			"series":[{"period":"2026-01-19T00:00:00Z","events":0,"persons":0}],
			"top":{"channels":[],"campaigns":[],"pages":[],"events":[]},
			"warnings":["no events between 2026-01-19T00:00:00Z and 2026-01-26T00:00:00Z",
				"goal \"Nope\": no event of that name in this range or the previous one"]}`},
	}
	for _, tt := range tests {
		res, err := report.RunOverview(context.Background(), s, "p", tt.o)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := compactJSON(t, res), compactJSON(t, json.RawMessage(tt.want)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, want)
		}
	}
}

// checkOverviewReference demands the reference's overview for random
// ranges, goals and intervals.
func checkOverviewReference(t *testing.T, s storage.Store, ref *report.Reference, rng *rand.Rand) {
	for i := range 16 {
		from := hitTime0.Add(time.Duration(rng.Int64N(int64(90*time.Minute))) - 10*time.Minute)
		o := report.Overview{
			From: from, To: from.Add(time.Duration(1 + rng.Int64N(int64(2*time.Hour)))),
			Goal:     pick(rng, hitNames),
			Interval: pick(rng, []report.Period{report.Hour, report.Day, report.Week}),
		}
		want, err := report.RunOverview(context.Background(), ref, "p", o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := report.RunOverview(context.Background(), s, "p", o)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := compactJSON(t, got), compactJSON(t, want); a != b {
			t.Fatalf("overview %d %+v:\n got %s\nwant %s", i, o, a, b)
		}
	}
}

func compactJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(x)
	return string(b)
}
