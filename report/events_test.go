package report

import (
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

func TestEventCursor(t *testing.T) {
	for _, c := range []EventCursor{
		{Time: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), Seq: 42, MessageID: "m-1"},
		{Time: time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), Seq: -1, MessageID: "a.b.c"},
		{Time: time.Unix(0, 0).UTC(), Seq: 1<<62 + 3, MessageID: "ü/%20 x"},
	} {
		got, err := ParseEventCursor(c.String())
		if err != nil || got != c {
			t.Errorf("%+v: parsed back %+v, %v", c, got, err)
		}
	}
	if c, err := ParseEventCursor(""); err != nil || !c.IsZero() || c.String() != "" {
		t.Errorf(`"": %+v, %v; want the zero cursor`, c, err)
	}
	for _, bad := range []string{"abc", "!!", "MTIz", "eC55Lnp6", "MS4yLg"} { // 123; x.y.zz; 1.2.
		if _, err := ParseEventCursor(bad); waymark.ErrorKind(err) != waymark.KindInvalid {
			t.Errorf("%q: err = %v, want invalid", bad, err)
		}
	}
}

func TestEventFilterMatches(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	e := waymark.Event{Type: waymark.Track, Name: "Buy", Timestamp: at.Add(999), Properties: []byte(`{"plan":"pro"}`)}
	for _, tt := range []struct {
		f    EventFilter
		want bool
	}{
		{EventFilter{}, true},
		{EventFilter{EventKind: EventKind{Type: "track", Name: "Buy"}}, true},
		{EventFilter{EventKind: EventKind{Type: "page"}}, false},
		{EventFilter{EventKind: EventKind{Name: "buy"}}, false},
		{EventFilter{From: at}, true}, // stored to the microsecond
		{EventFilter{To: at}, false},
		{EventFilter{To: at.Add(time.Microsecond)}, true},
		{EventFilter{Where: []Condition{{Field: "properties.plan", Op: In, Values: []string{"pro", "team"}}}}, true},
		{EventFilter{Where: []Condition{{Field: "properties.plan", Op: Equals, Value: "pro"}, {Field: "person.plan", Op: IsSet}}}, false},
	} {
		if got := tt.f.Matches(&e, nil); got != tt.want {
			t.Errorf("%+v: %v, want %v", tt.f, got, tt.want)
		}
	}
}
