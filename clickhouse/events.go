package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/template"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

var (
	eventsQuery     = template.Must(template.New("Events").Parse(queries.Get("Events")))
	candidatesQuery = template.Must(template.Must(eventsQuery.Clone()).New("EventCandidates").Parse(queries.Get("EventCandidates")))
)

// maxCandidates bounds the messages of one newest-first chunk: their hashes
// go into the query's text, which ClickHouse limits to 256 KiB.
const maxCandidates = 2000

// eventSQL is what Events.sql is executed with.
type eventSQL struct {
	storage.EventSQL
	Copies bool // read the messages of @hashes
}

// ExportEvents calls fn with every stored event of the project, each message
// once, in the order they were stored, and the id of the person it resolves
// to now.
func (s *Store) ExportEvents(ctx context.Context, projectID string, fn func(e *waymark.Event, personID string) error) error {
	return storage.ExportEvents(ctx, projectID, s.eventChunk, fn)
}

// Events calls fn with the stored events q asks for; see storage.Store.
func (s *Store) Events(ctx context.Context, q report.EventQuery, fn func(e *report.StoredEvent) error) (report.EventCursor, error) {
	return storage.Events(ctx, q, s.eventChunk, s.persons().Profiles, fn)
}

// eventChunk implements storage.EventChunk. A newest-first chunk takes two
// queries: the newest stored copies that pass, then the first copies of
// their messages.
func (s *Store) eventChunk(ctx context.Context, q report.EventQuery, limit int, fn func(e *report.StoredEvent) error) (next report.EventCursor, err error) {
	narrow := storage.NarrowEvents(&q)
	args, err := s.eventArgs(ctx, &q, narrow)
	if err != nil {
		return next, err
	}
	if !q.Newest {
		return next, s.readEvents(ctx, eventSQL{EventSQL: narrow}, args, q.ProjectID, fn)
	}
	limit = min(limit, maxCandidates)
	args = append(args, ch.Named("limit", limit),
		ch.Named("before_time", micros(q.Before.Time)), ch.Named("before_seq", q.Before.Seq), ch.Named("before_message", q.Before.MessageID))
	var query strings.Builder
	if err := candidatesQuery.ExecuteTemplate(&query, "EventCandidates", narrow); err != nil {
		return next, err
	}
	rows, err := s.conn.Query(ctx, query.String(), args...)
	if err != nil {
		return next, fmt.Errorf("read events: %w", err)
	}
	type copyOf struct {
		message string
		seq     int64
	}
	candidates := map[copyOf]bool{}
	var hashes []int64
	for rows.Next() {
		var at int64
		var hash int64
		if err := rows.Scan(&next.MessageID, &hash, &at, &next.Seq); err != nil {
			rows.Close()
			return next, err
		}
		next.Time = fromMicros(at)
		candidates[copyOf{next.MessageID, next.Seq}] = true
		hashes = append(hashes, hash)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return next, err
	}
	if len(hashes) < limit {
		next = report.EventCursor{}
	}
	if len(candidates) == 0 {
		return next, nil
	}
	return next, s.readEvents(ctx, eventSQL{EventSQL: narrow, Copies: true}, append(args, ch.Named("hashes", set(hashes))), q.ProjectID,
		func(e *report.StoredEvent) error {
			if !candidates[copyOf{e.Event.MessageID, e.Seq}] {
				return nil
			}
			return fn(e)
		})
}

// liveOverlap is how far below the seq of a live mark EventsStoredAfter
// reads again: collectors number rows by their clocks before they insert
// them, so a row may become visible after rows numbered later, by as much
// as its insert's latency and the skew between the collectors' clocks.
const liveOverlap = int64(30 * time.Second)

// EventsStoredAfter calls fn, in storage order, with the events of f
// stored after mark: those whose first copy's seq is above mark.Seq, and
// those up to liveOverlap below it that the mark has not seen, so that no
// row another collector makes visible late is missed.
func (s *Store) EventsStoredAfter(ctx context.Context, f report.EventFilter, mark report.LiveMark, fn func(e *report.StoredEvent) error) (report.LiveMark, error) {
	return storage.StoredAfter(ctx, f, mark, liveOverlap, s.storedAfter, fn)
}

// LiveStart returns the mark after the project's events stored so far.
func (s *Store) LiveStart(ctx context.Context, f report.EventFilter) (report.LiveMark, error) {
	var seq int64
	if err := s.conn.QueryRow(ctx, queries.Get("LastSeq"), f.ProjectID).Scan(&seq); err != nil {
		return report.LiveMark{}, fmt.Errorf("last seq: %w", err)
	}
	return storage.LiveStart(ctx, f, seq, liveOverlap, s.storedAfter)
}

// storedAfter implements storage.StoredAfterFunc.
func (s *Store) storedAfter(ctx context.Context, q report.EventQuery, after int64, fn func(e *report.StoredEvent) error) error {
	narrow := storage.NarrowEvents(&q)
	narrow.After = true
	args, err := s.eventArgs(ctx, &q, narrow)
	if err != nil {
		return err
	}
	return s.readEvents(ctx, eventSQL{EventSQL: narrow}, append(args, ch.Named("after", after)), q.ProjectID, fn)
}

// eventArgs binds the values of q that Events.sql narrows by.
func (s *Store) eventArgs(ctx context.Context, q *report.EventQuery, narrow storage.EventSQL) ([]any, error) {
	args := []any{ch.Named("project", q.ProjectID)}
	if narrow.Person {
		_, ids, err := s.personIDs(ctx, q.ProjectID, q.Person)
		if err != nil {
			return nil, err
		}
		args = append(args, ch.Named("ids", set(ids)))
	}
	from, to := storage.MicroRange(q.From, q.To)
	return append(args, ch.Named("type", q.Type), ch.Named("name", q.Name), ch.Named("from", from), ch.Named("to", to)), nil
}

// readEvents runs Events.sql. When fn stops early, the query is cancelled
// rather than read to its end.
func (s *Store) readEvents(ctx context.Context, shape eventSQL, args []any, projectID string, fn func(e *report.StoredEvent) error) error {
	var query strings.Builder
	if err := eventsQuery.Execute(&query, shape); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := s.conn.Query(spilling(ctx), query.String(), args...)
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	defer cancel() // before Close, which would read the rest
	for rows.Next() {
		var e report.StoredEvent
		var f storage.Flat
		var timestamp, receivedAt int64
		var originalTimestamp, sentAt *int64
		if err := rows.Scan(&f.MessageID, &f.Type, &f.Name, &f.UserID, &f.AnonymousID, &f.GroupID, &f.PreviousID,
			&timestamp, &originalTimestamp, &sentAt, &receivedAt,
			&f.URL, &f.Host, &f.Path, &f.Title, &f.Referrer, &f.ReferrerHost,
			&f.Source, &f.Medium, &f.Campaign, &f.Term, &f.Content, &f.ClickID, &f.Channel,
			&f.Browser, &f.BrowserVersion, &f.OS, &f.OSVersion, &f.DeviceType,
			&f.IP, &f.Country, &f.Region, &f.City,
			&f.Revenue, &f.Currency,
			&f.Properties, &f.Traits, &f.Context, &f.Integrations,
			&e.PersonID, &e.Seq); err != nil {
			return fmt.Errorf("read events: %w", err)
		}
		f.Timestamp, f.ReceivedAt = fromMicros(timestamp), fromMicros(receivedAt)
		f.OriginalTimestamp, f.SentAt = nullableTime(originalTimestamp), nullableTime(sentAt)
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
	if err := s.conn.QueryRow(ctx, queries.Get("PersonOf"), projectID, distinctID).Scan(&person); err != nil {
		return "", nil, fmt.Errorf("resolve person: %w", err)
	}
	if person == "" {
		return distinctID, []string{distinctID}, nil
	}
	members, err := s.members(ctx, projectID, []string{person})
	return person, members[person], err
}

// members returns the ids of each person, sorted, the person's own among
// them.
func (s *Store) members(ctx context.Context, projectID string, persons []string) (map[string][]string, error) {
	rows, err := s.conn.Query(ctx, queries.Get("Members"), ch.Named("project", projectID), ch.Named("persons", set(persons)))
	if err != nil {
		return nil, fmt.Errorf("person ids: %w", err)
	}
	defer rows.Close()
	ids := map[string][]string{}
	for rows.Next() {
		var id, person string
		if err := rows.Scan(&id, &person); err != nil {
			return nil, err
		}
		ids[person] = append(ids[person], id)
	}
	for _, person := range persons {
		if !slices.Contains(ids[person], person) {
			ids[person] = append(ids[person], person)
			slices.Sort(ids[person])
		}
	}
	return ids, rows.Err()
}
