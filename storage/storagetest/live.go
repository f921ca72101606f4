package storagetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// follower reads new events as a live stream does.
type follower struct {
	s    storage.Store
	f    report.EventFilter
	mark report.LiveMark
}

func newFollower(t *testing.T, s storage.Store, f report.EventFilter) *follower {
	t.Helper()
	mark, err := s.LiveStart(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return &follower{s: s, f: f, mark: mark}
}

// next returns the ids of the events stored since the last call.
func (fl *follower) next(t *testing.T) string {
	t.Helper()
	var ids []string
	mark, err := fl.s.EventsStoredAfter(context.Background(), fl.f, fl.mark, func(e *report.StoredEvent) error {
		ids = append(ids, e.Event.MessageID+"@"+e.PersonID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fl.mark = mark
	return strings.Join(ids, " ")
}

// testEventsStoredAfter follows a project's new events: only those stored
// since the stream started, each once, duplicates and other projects'
// events never, filters applied.
func testEventsStoredAfter(t *testing.T, open Opener) {
	s := open.Must(t)
	write(t, s, track("old", "A", t0))
	all := newFollower(t, s, report.EventFilter{ProjectID: "p"})
	tracks := newFollower(t, s, report.EventFilter{ProjectID: "p", EventKind: report.EventKind{Type: "track"}, Where: []report.Condition{{Field: "properties.a", Op: "=", Value: "1"}}})
	if got := all.next(t); got != "" {
		t.Errorf("before any write: %q, want nothing", got)
	}
	other := track("x", "A", t0)
	other.ProjectID = "q"
	write(t, s, track("t1", "A", t0.Add(-24*time.Hour)), identify("i1", "U", "A", t0, `{}`), other)
	if got, want := all.next(t), "t1@U i1@U"; got != want {
		t.Errorf("after the first write: %q, want %q", got, want)
	}
	write(t, s, track("old", "A", t0), track("t2", "B", t0))
	if got, want := all.next(t), "t2@B"; got != want {
		t.Errorf("after a duplicate: %q, want %q", got, want)
	}
	if got := all.next(t); got != "" {
		t.Errorf("with nothing new: %q, want nothing", got)
	}
	if got, want := tracks.next(t), "t1@U t2@B"; got != want {
		t.Errorf("tracks: %q, want %q", got, want)
	}
	_, err := s.EventsStoredAfter(context.Background(), report.EventFilter{ProjectID: "p", Where: []report.Condition{{Field: "person.plan", Op: "is_set"}}}, report.LiveMark{},
		func(*report.StoredEvent) error { return nil })
	if waymark.ErrorKind(err) != waymark.KindInvalid {
		t.Errorf("person field: err = %v, want invalid", err)
	}
}

// testLiveResume follows a stream that a client resumes from the ids it was
// sent, as a browser does after a dropped connection: from the mark after
// each event and from the mark after each read. A resume passes no event on
// twice and misses none stored since.
func testLiveResume(t *testing.T, open Opener) {
	s := open.Must(t)
	f := report.EventFilter{ProjectID: "p"}
	// read reads on from the id of mark, and returns the ids of the events
	// passed on, the ids sent with them and the id of the read's mark.
	read := func(mark report.LiveMark) (events []string, sent []report.LiveMark, end report.LiveMark) {
		t.Helper()
		mark, err := report.ParseLiveMark(mark.String())
		if err != nil {
			t.Fatal(err)
		}
		passed := mark
		end, err = s.EventsStoredAfter(context.Background(), f, mark, func(e *report.StoredEvent) error {
			passed = passed.After(e)
			events, sent = append(events, e.Event.MessageID), append(sent, passed)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return events, sent, end
	}
	write(t, s, track("old", "A", t0))
	start, err := s.LiveStart(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	write(t, s, track("t1", "A", t0), track("t2", "B", t0))
	events, sent, end := read(start)
	if got := strings.Join(events, " "); got != "t1 t2" {
		t.Fatalf("first read: %q, want t1 t2", got)
	}
	if got, _, _ := read(end); got != nil {
		t.Errorf("resumed after the read: %q, want nothing", got)
	}
	if got, _, _ := read(sent[0]); strings.Join(got, " ") != "t2" {
		t.Errorf("resumed after t1: %q, want t2", got)
	}
	write(t, s, track("t3", "A", t0))
	if got, _, _ := read(end); strings.Join(got, " ") != "t3" {
		t.Errorf("resumed after the read, with t3 stored since: %q, want t3", got)
	}
	if got, _, _ := read(sent[0]); strings.Join(got, " ") != "t2 t3" {
		t.Errorf("resumed after t1, with t3 stored since: %q, want t2 t3", got)
	}
	// More messages than an id holds.
	var many []waymark.Event
	for i := range 50 {
		many = append(many, track(fmt.Sprint("m", i), "C", t0))
	}
	write(t, s, many...)
	events, _, end = read(end)
	if len(events) != 51 {
		t.Fatalf("read %d events, want t3 and 50 more", len(events))
	}
	if got, _, _ := read(end); got != nil {
		t.Errorf("resumed after 51 events: %q, want nothing", got)
	}
}
