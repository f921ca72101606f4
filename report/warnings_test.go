package report

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

func TestWarnings(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	event := func(typ waymark.MessageType, name string, at time.Time) waymark.Event {
		return waymark.Event{ProjectID: "p", Type: typ, Name: name, AnonymousID: "a", Timestamp: at}
	}
	events := []waymark.Event{
		event(waymark.Track, "Trial Started", day(2).Add(9*time.Hour)),
		event(waymark.Track, "Trial Started", day(3)),
		event(waymark.Track, "Trial Stopped", day(4)),
		event(waymark.Track, "Signed Up", day(4)),
		event(waymark.Page, "Pricing", day(5).Add(30*time.Minute)),
		event(waymark.Page, "", day(5)),
		{ProjectID: "other", Type: waymark.Track, Name: "Elsewhere", AnonymousID: "b", Timestamp: day(1)},
	}
	tests := []struct {
		name        string
		project     string
		touchpoints []Touchpoint
		from, to    time.Time
		want        []string
	}{
		{"all known", "p", []Touchpoint{{Event: "Signed Up"}, {Type: "page", Path: "/x"}, {Event: "Pricing", Type: "page"}}, time.Time{}, time.Time{}, []string{}},
		{"empty project", "none", []Touchpoint{{Event: "Signed Up"}}, day(1), day(2), []string{NoEventsYet}},
		{"misspelt", "p", []Touchpoint{{Event: "Trial Startd"}}, time.Time{}, time.Time{},
			[]string{`no event is named "Trial Startd"; did you mean "Trial Started"?`}},
		{"nearest first", "p", []Touchpoint{{Event: "Trial Stoped"}}, time.Time{}, time.Time{},
			[]string{`no event is named "Trial Stoped"; did you mean "Trial Stopped" or "Trial Started"?`}},
		{"case", "p", []Touchpoint{{Event: "signed up"}}, time.Time{}, time.Time{},
			[]string{`no event is named "signed up"; did you mean "Signed Up"?`}},
		{"nothing close", "p", []Touchpoint{{Event: "Checkout"}}, time.Time{}, time.Time{},
			[]string{`no event is named "Checkout"`}},
		{"another project's name", "p", []Touchpoint{{Event: "Elsewhere"}}, time.Time{}, time.Time{},
			[]string{`no event is named "Elsewhere"`}},
		{"of a type", "p", []Touchpoint{{Event: "Signed Up", Type: "page"}}, time.Time{}, time.Time{},
			[]string{`no page event is named "Signed Up"`}},
		{"conditions on name, once each", "p", []Touchpoint{
			{Where: []Condition{{Field: "name", Op: Equals, Value: "Pricng"}}},
			{Where: []Condition{{Field: "name", Op: In, Values: []string{"Pricing", "Pricng"}}}},
			{Where: []Condition{{Field: "name", Op: NotEquals, Value: "Nope"}}},
		}, time.Time{}, time.Time{}, []string{`no event is named "Pricng"; did you mean "Pricing"?`}},
		{"range before the data", "p", nil, day(1), day(2),
			[]string{"no events between 2026-03-01 and 2026-03-02; the project's data spans 2026-03-02T09:00:00Z to 2026-03-05T00:30:00Z"}},
		{"range after the data", "p", nil, day(6), time.Time{},
			[]string{"no events from 2026-03-06 on; the project's data spans 2026-03-02T09:00:00Z to 2026-03-05T00:30:00Z"}},
		{"range ends where the data starts", "p", nil, time.Time{}, day(2).Add(9 * time.Hour),
			[]string{"no events before 2026-03-02T09:00:00Z; the project's data spans 2026-03-02T09:00:00Z to 2026-03-05T00:30:00Z"}},
		{"range holding the last event", "p", nil, day(5).Add(30 * time.Minute), time.Time{}, []string{}},
	}
	ref := &Reference{Events: events, PersonOf: func(id string) string { return id }}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Warnings(context.Background(), ref, tt.project, tt.touchpoints, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("warnings =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"trial startd", "trial started", 1}, {"kitten", "sitting", 3}, {"café", "cafe", 1},
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestJourneyRangeOrder(t *testing.T) {
	j := Journey{Name: "j", Stages: []Stage{{Name: "a", Touchpoints: []Touchpoint{{Event: "A"}}}, {Name: "b", Touchpoints: []Touchpoint{{Event: "B"}}}}}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	_, err := RunJourney(context.Background(), &Reference{}, "p", j, JourneyRange{From: at, To: at})
	if waymark.ErrorKind(err) != waymark.KindInvalid || waymark.ErrorMessage(err) != "from must be before to" {
		t.Errorf("from = to: err = %v, want invalid: from must be before to", err)
	}
}
