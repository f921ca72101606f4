package storage

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// EventChunk is an engine's query of events, narrowed in SQL by the
// columns of q (person, type, name and range; not q.Where, which Events
// applies). Without q.Newest it passes every such event to fn in storage
// order. With q.Newest it passes the newest events after q.Before, newest
// first, reading at most limit stored rows, and returns the cursor the next
// chunk starts after: zero when there are no more rows.
type EventChunk func(ctx context.Context, q report.EventQuery, limit int, fn func(e *report.StoredEvent) error) (next report.EventCursor, err error)

// Chunk sizes of newest-first reads: the first, for conditions that may
// reject rows or a reader that may stop early, which grows fourfold chunk
// by chunk up to the largest.
const (
	firstChunk = 100
	maxChunk   = 10000
)

var (
	errEnough = errors.New("enough events")
	errRead   = errors.New("read enough events")
)

// Profiles returns the profiles of a project's persons with the person
// fields among fields, as reports read them; persons without a value of
// those fields have none.
type Profiles func(ctx context.Context, project string, fields []report.Field) (map[string]report.Profile, error)

// Events answers q for an engine: chunk narrows in SQL, then every event
// must pass q.Matches, with its person's profile from profiles when
// conditions read person fields. When q.MaxRead stops it, it returns the
// cursor of the last event read.
func Events(ctx context.Context, q report.EventQuery, chunk EventChunk, profiles Profiles, fn func(e *report.StoredEvent) error) (stopped report.EventCursor, err error) {
	if err := q.Validate(); err != nil {
		return stopped, err
	}
	var persons map[string]report.Profile
	if fields := q.PersonFields(); len(fields) > 0 {
		if persons, err = profiles(ctx, q.ProjectID, fields); err != nil {
			return stopped, fmt.Errorf("person fields: %w", err)
		}
	}
	read, sent := 0, 0
	pass := func(e *report.StoredEvent) error {
		read++
		if q.Matches(&e.Event, persons[e.PersonID]) {
			if err := fn(e); err != nil {
				return err
			}
			if sent++; sent == q.Limit {
				return errEnough
			}
		}
		if read == q.MaxRead && q.Newest {
			stopped = e.Cursor()
			return errRead
		}
		return nil
	}
	if !q.Newest {
		_, err := chunk(ctx, q, 0, pass)
		return stopped, enough(err)
	}
	size := max(firstChunk, q.Limit)
	for {
		limit := size
		if len(q.Where) == 0 && q.Limit > 0 {
			limit = q.Limit - sent // rows the engine reads all pass but for copies
		}
		if q.MaxRead > 0 {
			limit = min(limit, q.MaxRead-read)
		}
		next, err := chunk(ctx, q, min(limit, maxChunk), pass)
		if err != nil || next.IsZero() {
			return stopped, enough(err)
		}
		q.Before = next
		size = min(size*4, maxChunk)
	}
}

func enough(err error) error {
	if errors.Is(err, errEnough) || errors.Is(err, errRead) {
		return nil
	}
	return err
}

// ExportEvents is Store.ExportEvents for an engine: every event of the
// project in storage order, through chunk.
func ExportEvents(ctx context.Context, projectID string, chunk EventChunk, fn func(e *waymark.Event, personID string) error) error {
	q := report.EventQuery{EventFilter: report.EventFilter{ProjectID: projectID}}
	_, err := chunk(ctx, q, 0, func(e *report.StoredEvent) error { return fn(&e.Event, e.PersonID) })
	return err
}

// EventSQL is what an engine's Events template is executed with: which
// columns of an event query narrow the rows.
type EventSQL struct {
	Person, Type, Name, From, To bool
	Newest, Before               bool
	After                        bool // seq above the parameter after (see StoredAfter)
}

// NarrowEvents returns the EventSQL of q.
func NarrowEvents(q *report.EventQuery) EventSQL {
	return EventSQL{
		Person: q.Person != "", Type: q.Type != "", Name: q.Name != "", From: !q.From.IsZero(), To: !q.To.IsZero(),
		Newest: q.Newest, Before: q.Newest && !q.Before.IsZero(),
	}
}

// Narrowed reports whether any column narrows the rows.
func (n EventSQL) Narrowed() bool { return n.Person || n.Type || n.Name || n.From || n.To || n.After }

// StoredAfterFunc is an engine's query of the events stored after a seq
// (see EventSQL.After), narrowed in SQL by the columns of q.
type StoredAfterFunc func(ctx context.Context, q report.EventQuery, after int64, fn func(e *report.StoredEvent) error) error

// StoredAfter is Store.EventsStoredAfter for an engine whose rows may
// become visible as much as overlap below a seq already read: read queries
// the events from there, or from mark.Floor if that is higher, and those
// the mark has seen are left out. The next mark remembers the messages
// within overlap of its seq. StoredAfter checks the filter and applies it
// whole.
func StoredAfter(ctx context.Context, f report.EventFilter, mark report.LiveMark, overlap int64, read StoredAfterFunc, fn func(e *report.StoredEvent) error) (report.LiveMark, error) {
	if err := f.ValidateLive(); err != nil {
		return mark, err
	}
	next := report.LiveMark{Seq: mark.Seq, Floor: mark.Floor, Recent: map[uint64]int64{}}
	err := read(ctx, report.EventQuery{EventFilter: f}, max(mark.Seq-overlap, mark.Floor), func(e *report.StoredEvent) error {
		next.Seq = max(next.Seq, e.Seq)
		next.Recent[report.LiveHash(e.Event.MessageID)] = e.Seq
		if mark.Seen(e) || !f.Matches(&e.Event, nil) {
			return nil
		}
		return fn(e)
	})
	maps.DeleteFunc(next.Recent, func(_ uint64, seq int64) bool { return seq <= next.Seq-overlap })
	return next, err
}

// LiveStart is Store.LiveStart for an engine whose newest stored event has
// the seq last: the mark of a read from there that passes nothing on.
func LiveStart(ctx context.Context, f report.EventFilter, last, overlap int64, read StoredAfterFunc) (report.LiveMark, error) {
	return StoredAfter(ctx, f, report.LiveMark{Seq: last}, overlap, read, func(*report.StoredEvent) error { return nil })
}
