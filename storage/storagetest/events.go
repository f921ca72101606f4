package storagetest

import (
	"cmp"
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// testEvents checks filters and newest-first pages on a small dataset
// worked out by hand: ties of timestamps, a merge after the fact, a second
// project, and a page that stays put while newer events arrive.
func testEvents(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open.Must(t)
	view := func(id, anon string, at time.Time, props string) waymark.Event {
		return waymark.Event{ProjectID: "p", MessageID: id, Type: waymark.Page, Name: "Pricing", AnonymousID: anon,
			Timestamp: at, ReceivedAt: at, Properties: json.RawMessage(props), Page: waymark.PageInfo{Path: "/pricing"}}
	}
	other := track("x1", "A1", t0)
	other.ProjectID = "q"
	write(t, s,
		view("v1", "A1", t0, `{"plan":"pro"}`),
		view("v2", "A1", t0, `{"plan":"free"}`),
		track("t1", "A2", t0),
		view("v3", "B", t0.Add(time.Minute), `{"plan":"pro"}`),
		other,
	)
	write(t, s,
		track("t2", "A2", t0.Add(-time.Hour)),
		identify("i1", "U", "A1", t0.Add(2*time.Hour), `{"plan":"pro"}`),
	)
	write(t, s, identify("i2", "U", "A2", t0.Add(3*time.Hour), `{}`), view("v4", "A1", t0, `{}`))

	// Storage order: v1 v2 t1 v3 | t2 i1 | i2 v4.
	// Newest first: i2, i1, v3, then the ties at t0 latest stored first
	// (v4, t1, v2, v1), then t2.
	tests := []struct {
		name string
		q    report.EventQuery
		want string
	}{
		{"all stored", report.EventQuery{}, "v1 v2 t1 v3 t2 i1 i2 v4"},
		{"all newest", report.EventQuery{Newest: true}, "i2 i1 v3 v4 t1 v2 v1 t2"},
		{"limit stored", report.EventQuery{Limit: 3}, "v1 v2 t1"},
		{"person by an anonymous id", report.EventQuery{EventFilter: report.EventFilter{Person: "A2"}, Newest: true}, "i2 i1 v4 t1 v2 v1 t2"},
		{"person by the user id", report.EventQuery{EventFilter: report.EventFilter{Person: "U"}}, "v1 v2 t1 t2 i1 i2 v4"},
		{"person alone", report.EventQuery{EventFilter: report.EventFilter{Person: "B"}}, "v3"},
		{"unknown person", report.EventQuery{EventFilter: report.EventFilter{Person: "nobody"}}, ""},
		{"type", report.EventQuery{EventFilter: report.EventFilter{EventKind: report.EventKind{Type: "page"}}, Newest: true}, "v3 v4 v2 v1"},
		{"name", report.EventQuery{EventFilter: report.EventFilter{EventKind: report.EventKind{Name: "Viewed"}}}, "t1 t2"},
		{"range", report.EventQuery{EventFilter: report.EventFilter{From: t0, To: t0.Add(2 * time.Hour)}, Newest: true}, "v3 v4 t1 v2 v1"},
		{"range excludes to", report.EventQuery{EventFilter: report.EventFilter{From: t0.Add(time.Minute), To: t0.Add(2 * time.Hour)}}, "v3"},
		{"where", report.EventQuery{EventFilter: report.EventFilter{Where: []report.Condition{{Field: "properties.plan", Op: "=", Value: "pro"}}}, Newest: true}, "v3 v1"},
		{"where negative", report.EventQuery{EventFilter: report.EventFilter{EventKind: report.EventKind{Type: "page"}, Where: []report.Condition{{Field: "properties.plan", Op: "!=", Value: "pro"}}}}, "v2 v4"},
		{"where person trait", report.EventQuery{EventFilter: report.EventFilter{Where: []report.Condition{{Field: "person.plan", Op: "=", Value: "pro"}}}, Newest: true, Limit: 3}, "i2 i1 v4"},
		{"where and limit", report.EventQuery{EventFilter: report.EventFilter{Where: []report.Condition{{Field: "properties.a", Op: "is_set"}}}, Newest: true, Limit: 1}, "t1"},
	}
	for _, tt := range tests {
		tt.q.ProjectID = "p"
		if got := strings.Join(eventIDs(t, s, tt.q), " "); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}

	// Pages of two across the ties; events stored meanwhile, newer or as
	// old, do not move the pages.
	q := report.EventQuery{EventFilter: report.EventFilter{ProjectID: "p"}, Newest: true, Limit: 2}
	var pages []string
	for page := 0; ; page++ {
		got := events(t, s, q)
		var ids []string
		for _, e := range got {
			ids = append(ids, e.Event.MessageID)
		}
		pages = append(pages, strings.Join(ids, " "))
		if len(got) < q.Limit {
			break
		}
		q.Before = got[len(got)-1].Cursor()
		if page == 1 {
			write(t, s, track("late", "C", t0), track("newer", "C", t0.Add(time.Hour)))
		}
	}
	if got, want := strings.Join(pages, " | "), "i2 i1 | v3 v4 | t1 v2 | v1 t2 | "; got != want {
		t.Errorf("pages %q, want %q", got, want)
	}

	// A read limit stops pages short, each with where to go on.
	q = report.EventQuery{EventFilter: report.EventFilter{ProjectID: "p", Where: []report.Condition{{Field: "properties.plan", Op: "=", Value: "free"}}},
		Newest: true, Limit: 10, MaxRead: 3}
	pages = nil
	for range 5 {
		var ids []string
		stopped, err := s.Events(ctx, q, func(e *report.StoredEvent) error {
			ids = append(ids, e.Event.MessageID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, strings.Join(ids, " "))
		if stopped.IsZero() {
			break
		}
		q.Before = stopped
	}
	if got, want := strings.Join(pages, " | "), " |  | v2 | "; got != want { // i2 i1 newer | v3 late v4 | t1 v2 v1 | t2
		t.Errorf("pages read 3 at a time: %q, want %q", got, want)
	}

	for _, bad := range []report.EventFilter{
		{Where: []report.Condition{{Field: "nope", Op: "="}}},
		{Where: []report.Condition{{Field: "name", Op: "like"}}},
		{From: t0, To: t0.Add(-time.Second)},
	} {
		bad.ProjectID = "p"
		if _, err := s.Events(ctx, report.EventQuery{EventFilter: bad}, func(*report.StoredEvent) error { return nil }); waymark.ErrorKind(err) != waymark.KindInvalid {
			t.Errorf("%+v: err = %v, want invalid", bad, err)
		}
	}
}

// testReadsReference writes random events, some merged into persons,
// some sent twice, some of another project, and demands the event lists
// and overviews the reference gives for the same events. One storage
// serves both: on a ClickHouse cluster a new database costs seconds.
func testReadsReference(t *testing.T, open Opener, seed uint64) {
	s := open.Must(t)
	rng := rand.New(rand.NewPCG(seed, 13))
	ref := writeRandomEvents(t, s, rng, 300)
	checkEventsReference(t, s, ref, rng)
	checkOverviewReference(t, s, ref, rng)
}

// checkEventsReference demands for random queries the events
// report.EventFilter.Matches finds in the reference, with the persons its
// identity graph gives, newest first read page by page.
func checkEventsReference(t *testing.T, s storage.Store, ref *report.Reference, rng *rand.Rand) {
	persons := append([]string{"u0", "u3", "nobody"}, hitAnonymousIDs...)
	for i := range 40 {
		var q report.EventQuery
		q.ProjectID = "p"
		if rng.IntN(3) == 0 {
			q.Person = pick(rng, persons)
		}
		if rng.IntN(4) == 0 {
			q.Type = pick(rng, []string{"track", "page", "identify", "alias"})
		}
		if rng.IntN(4) == 0 {
			q.Name = pick(rng, hitNames[:5])
		}
		if rng.IntN(3) == 0 {
			q.From = hitTime0.Add(time.Duration(rng.Int64N(int64(time.Hour))))
		}
		if rng.IntN(3) == 0 {
			q.To = hitTime0.Add(time.Hour + time.Duration(rng.Int64N(int64(time.Hour))))
		}
		for range rng.IntN(3) {
			q.Where = append(q.Where, randomCondition(rng))
		}
		q.Newest = rng.IntN(3) > 0

		want := referenceEvents(ref, q.EventFilter, q.Newest)
		var got []string
		if q.Newest {
			q.Limit = 1 + rng.IntN(80)
			for {
				page := events(t, s, q)
				for _, e := range page {
					got = append(got, e.Event.MessageID+"@"+e.PersonID)
				}
				if len(page) < q.Limit {
					break
				}
				q.Before = page[len(page)-1].Cursor()
			}
		} else {
			for _, e := range events(t, s, q) {
				got = append(got, e.Event.MessageID+"@"+e.PersonID)
			}
		}
		if !slices.Equal(got, want) {
			b, _ := json.Marshal(q)
			t.Fatalf("query %d %s:\n got %v\nwant %v", i, b, got, want)
		}
	}
}

// referenceEvents returns message@person of the events of f, in storage
// order or newest first.
func referenceEvents(ref *report.Reference, f report.EventFilter, newest bool) []string {
	profiles := ref.Profiles(f.ProjectID, f.PersonFields())
	var seqs []int
	for i := range ref.Events {
		e := &ref.Events[i]
		person := ref.PersonOf(e.DistinctID())
		if e.ProjectID == f.ProjectID && (f.Person == "" || person == ref.PersonOf(f.Person)) && f.Matches(e, profiles[person]) {
			seqs = append(seqs, i)
		}
	}
	if newest {
		slices.SortFunc(seqs, func(a, b int) int {
			ta, tb := ref.Events[a].Timestamp.Truncate(time.Microsecond), ref.Events[b].Timestamp.Truncate(time.Microsecond)
			return cmp.Or(tb.Compare(ta), cmp.Compare(b, a))
		})
	}
	var out []string
	for _, i := range seqs {
		out = append(out, ref.Events[i].MessageID+"@"+ref.PersonOf(ref.Events[i].DistinctID()))
	}
	return out
}

// events runs q and keeps what it returns.
func events(t *testing.T, s storage.Store, q report.EventQuery) []report.StoredEvent {
	t.Helper()
	var out []report.StoredEvent
	if _, err := s.Events(context.Background(), q, func(e *report.StoredEvent) error {
		out = append(out, *e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func eventIDs(t *testing.T, s storage.Store, q report.EventQuery) []string {
	t.Helper()
	var ids []string
	for _, e := range events(t, s, q) {
		ids = append(ids, e.Event.MessageID)
	}
	return ids
}
