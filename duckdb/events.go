package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"text/template"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

var (
	eventsQuery = template.Must(template.New("Events").Parse(queries.Get("Events")))
	keysQuery   = template.Must(template.Must(eventsQuery.Clone()).New("EventKeys").Parse(queries.Get("EventKeys")))
)

// eventSQL is what Events.sql is executed with.
type eventSQL struct {
	storage.EventSQL
	Since   bool // only events at or after $since
	Through bool // only events with a seq up to $through
}

// ExportEvents calls fn with every stored event of the project, in the order
// they were stored, and the id of the person it resolves to now. Storage
// order is what identity merges followed, so re-importing an export rebuilds
// the same persons.
func (s *Store) ExportEvents(ctx context.Context, projectID string, fn func(e *waymark.Event, personID string) error) error {
	return storage.ExportEvents(ctx, projectID, s.eventChunk, fn)
}

// Events calls fn with the stored events q asks for; see storage.Store.
func (s *Store) Events(ctx context.Context, q report.EventQuery, fn func(e *report.StoredEvent) error) (report.EventCursor, error) {
	return storage.Events(ctx, q, s.eventChunk, s.profiles, fn)
}

// eventChunk implements storage.EventChunk. A newest-first chunk takes two
// queries: the keys of the chunk's events, then the events from the time of
// the last.
func (s *Store) eventChunk(ctx context.Context, q report.EventQuery, limit int, fn func(e *report.StoredEvent) error) (next report.EventCursor, err error) {
	narrow := storage.NarrowEvents(&q)
	args, err := s.eventArgs(ctx, &q, narrow)
	if err != nil {
		return next, err
	}
	if !q.Newest {
		return next, s.readEvents(ctx, eventSQL{EventSQL: narrow}, args, q.ProjectID, fn)
	}
	var query strings.Builder
	if err := keysQuery.ExecuteTemplate(&query, "EventKeys", narrow); err != nil {
		return next, err
	}
	args = append(args, sql.Named("limit", limit))
	rows, err := s.db.QueryContext(ctx, query.String(), args...)
	if err != nil {
		return next, fmt.Errorf("read events: %w", err)
	}
	n := 0
	for ; rows.Next(); n++ {
		if err := rows.Scan(&next.Time, &next.Seq, &next.MessageID); err != nil {
			rows.Close()
			return next, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return next, err
	}
	if n == 0 {
		return report.EventCursor{}, nil
	}
	since := next.Time
	next.Time = next.Time.UTC()
	if n < limit {
		next = report.EventCursor{}
	}
	return next, s.readEvents(ctx, eventSQL{EventSQL: narrow, Since: true}, append(args, sql.Named("since", since)), q.ProjectID, fn)
}

// EventsStoredAfter calls fn, in storage order, with the events of f
// stored after mark. Writes commit in seq order, so no row becomes visible
// below a seq already read: the highest seq read is all the next mark needs.
func (s *Store) EventsStoredAfter(ctx context.Context, f report.EventFilter, mark report.LiveMark, fn func(e *report.StoredEvent) error) (report.LiveMark, error) {
	return storage.StoredAfter(ctx, f, mark, 0, s.storedAfter, fn)
}

// LiveStart returns the mark after the project's events stored so far.
func (s *Store) LiveStart(ctx context.Context, f report.EventFilter) (report.LiveMark, error) {
	var seq int64
	if err := s.db.QueryRowContext(ctx, queries.Get("LastSeq"), f.ProjectID).Scan(&seq); err != nil {
		return report.LiveMark{}, fmt.Errorf("last seq: %w", err)
	}
	return storage.LiveStart(ctx, f, seq, 0, s.storedAfter)
}

// storedAfter implements storage.StoredAfterFunc.
func (s *Store) storedAfter(ctx context.Context, q report.EventQuery, after int64, fn func(e *report.StoredEvent) error) error {
	narrow := storage.NarrowEvents(&q)
	narrow.After = true
	args, err := s.eventArgs(ctx, &q, narrow)
	if err != nil {
		return err
	}
	return s.readEvents(ctx, eventSQL{EventSQL: narrow}, append(args, sql.Named("after", after)), q.ProjectID, fn)
}

// eventArgs binds the values of q that Events.sql narrows by.
func (s *Store) eventArgs(ctx context.Context, q *report.EventQuery, narrow storage.EventSQL) ([]any, error) {
	args := []any{sql.Named("project", q.ProjectID)}
	if narrow.Person {
		_, ids, err := s.personIDs(ctx, q.ProjectID, q.Person)
		if err != nil {
			return nil, err
		}
		args = append(args, sql.Named("ids", ids))
	}
	for _, p := range []struct {
		set   bool
		name  string
		value any
	}{
		{narrow.Type, "type", q.Type}, {narrow.Name, "name", q.Name},
		{narrow.From, "from", bound(q.From)}, {narrow.To, "to", bound(q.To)},
		{narrow.Before, "before_time", q.Before.Time.UTC()}, {narrow.Before, "before_seq", q.Before.Seq},
		{narrow.Before, "before_message", q.Before.MessageID},
	} {
		if p.set {
			args = append(args, sql.Named(p.name, p.value))
		}
	}
	return args, nil
}

// readEvents runs Events.sql.
func (s *Store) readEvents(ctx context.Context, shape eventSQL, args []any, projectID string, fn func(e *report.StoredEvent) error) error {
	var query strings.Builder
	if err := eventsQuery.Execute(&query, shape); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, query.String(), args...)
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	return scanEvents(rows, projectID, fn)
}

// scanEvents reads rows of the columns Events.sql selects.
func scanEvents(rows *sql.Rows, projectID string, fn func(e *report.StoredEvent) error) error {
	for rows.Next() {
		var e report.StoredEvent
		var f storage.Flat
		var originalTimestamp, sentAt sql.NullTime
		if err := rows.Scan(&f.MessageID, &f.Type, &f.Name, &f.UserID, &f.AnonymousID, &f.GroupID, &f.PreviousID,
			&f.Timestamp, &originalTimestamp, &sentAt, &f.ReceivedAt,
			&f.URL, &f.Host, &f.Path, &f.Title, &f.Referrer, &f.ReferrerHost,
			&f.Source, &f.Medium, &f.Campaign, &f.Term, &f.Content, &f.ClickID, &f.Channel,
			&f.Browser, &f.BrowserVersion, &f.OS, &f.OSVersion, &f.DeviceType,
			&f.IP, &f.Country, &f.Region, &f.City,
			&f.Revenue, &f.Currency,
			&f.Properties, &f.Traits, &f.Context, &f.Integrations,
			&e.PersonID, &e.Seq); err != nil {
			return fmt.Errorf("read events: %w", err)
		}
		f.OriginalTimestamp, f.SentAt = originalTimestamp.Time, sentAt.Time
		e.Event = f.Event(projectID)
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// personIDs returns the person a distinct id resolves to and every id
// merged into them, sorted; an id without identity rows is its own person.
func (s *Store) personIDs(ctx context.Context, projectID, distinctID string) (person string, ids []string, err error) {
	rows, err := s.db.QueryContext(ctx, queries.Get("PersonOf"),
		sql.Named("project", projectID), sql.Named("id", distinctID))
	if err != nil {
		return "", nil, fmt.Errorf("resolve person: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var member sql.NullString
		if err := rows.Scan(&person, &member); err != nil {
			return "", nil, err
		}
		if member.Valid {
			ids = append(ids, member.String)
		}
	}
	if len(ids) == 0 {
		ids = []string{person}
	}
	return person, ids, rows.Err()
}
