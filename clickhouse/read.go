package clickhouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/storage"
)

// spilling lets the sorts of a query spill to disk instead of failing on the
// server's memory limit: for the queries that sort every event of a project
// by seq, to keep the first copy of each message.
func spilling(ctx context.Context) context.Context {
	return ch.Context(ctx, ch.WithSettings(ch.Settings{"max_bytes_before_external_sort": 1 << 30}))
}

// Rejections calls fn with every dead letter of the project, oldest first.
func (s *Store) Rejections(ctx context.Context, projectID string, fn func(r *waymark.Rejection) error) error {
	rows, err := s.conn.Query(ctx, queries.Get("Rejections"), projectID)
	if err != nil {
		return fmt.Errorf("list rejections: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r := waymark.Rejection{ProjectID: projectID}
		var payload string
		var receivedAt int64
		if err := rows.Scan(&r.MessageID, &r.Reason, &payload, &receivedAt); err != nil {
			return fmt.Errorf("list rejections: %w", err)
		}
		r.Payload, r.ReceivedAt = json.RawMessage(payload), fromMicros(receivedAt)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Person returns the person a distinct id resolves to: all their ids, their
// latest traits and when they were first and last seen.
func (s *Store) Person(ctx context.Context, projectID, distinctID string) (waymark.Person, error) {
	p := waymark.Person{Traits: map[string]any{}}
	var err error
	if p.ID, p.IDs, err = s.personIDs(ctx, projectID, distinctID); err != nil {
		return p, err
	}
	var n uint64
	var first, last int64
	if err := s.conn.QueryRow(ctx, queries.Get("PersonSeen"), projectID, set(p.IDs)).Scan(&n, &first, &last); err != nil {
		return p, fmt.Errorf("person activity: %w", err)
	}
	if n == 0 {
		return p, waymark.Errorf(waymark.KindNotFound, "no person with id %q", distinctID)
	}
	p.FirstSeen, p.LastSeen = fromMicros(first), fromMicros(last)
	p.Acquisition.FirstSeen = p.FirstSeen.Format(time.DateOnly)
	touch, err := s.conn.Query(ctx, queries.Get("PersonFirstTouch"), projectID, set(p.IDs))
	if err != nil {
		return p, fmt.Errorf("person first touch: %w", err)
	}
	a := &p.Acquisition
	if touch.Next() {
		err = touch.Scan(&a.Channel, &a.UTMSource, &a.UTMMedium, &a.UTMCampaign, &a.UTMContent, &a.ReferrerHost, &a.LandingPage)
	}
	touch.Close()
	if err != nil || touch.Err() != nil {
		return p, fmt.Errorf("person first touch: %w", errors.Join(err, touch.Err()))
	}
	rows, err := s.conn.Query(ctx, queries.Get("PersonTraits"), projectID, set(p.IDs))
	if err != nil {
		return p, fmt.Errorf("person traits: %w", err)
	}
	_, _, err = latestTraits(rows, p.Traits)
	return p, err
}

// Group returns a group's latest traits, from its group calls, and the
// persons who joined it.
func (s *Store) Group(ctx context.Context, projectID, groupID string) (waymark.GroupProfile, error) {
	g := waymark.GroupProfile{ID: groupID, Traits: map[string]any{}}
	rows, err := s.conn.Query(ctx, queries.Get("GroupTraits"), projectID, groupID)
	if err != nil {
		return g, fmt.Errorf("group traits: %w", err)
	}
	if g.FirstSeen, g.LastSeen, err = latestTraits(rows, g.Traits); err != nil {
		return g, err
	}
	if g.FirstSeen.IsZero() {
		return g, waymark.Errorf(waymark.KindNotFound, "no group with id %q", groupID)
	}
	if g.Members, err = s.strings(ctx, queries.Get("GroupMembers"), projectID, groupID, projectID); err != nil {
		return g, fmt.Errorf("group members: %w", err)
	}
	return g, nil
}

// latestTraits applies rows of (traits JSON, timestamp), oldest first, to
// traits, so each trait ends with its latest value. It closes rows and
// returns the first and last timestamps.
func latestTraits(rows driver.Rows, traits map[string]any) (first, last time.Time, err error) {
	defer rows.Close()
	for rows.Next() {
		var raw string
		var at int64
		if err := rows.Scan(&raw, &at); err != nil {
			return first, last, err
		}
		if first.IsZero() {
			first = fromMicros(at)
		}
		last = fromMicros(at)
		storage.MergeTraits(traits, []byte(raw))
	}
	return first, last, rows.Err()
}

// strings runs a query of one string column.
func (s *Store) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return storage.Values[string](rows)
}

// Projects lists every project with its keys.
func (s *Store) Projects(ctx context.Context) ([]waymark.Project, error) {
	rows, err := s.conn.Query(ctx, queries.Get("Projects"))
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	var projects []waymark.Project
	for rows.Next() {
		var p waymark.Project
		var created int64
		if err := rows.Scan(&p.ID, &p.Name, &p.WriteKey, &p.ReadKey, &created); err != nil {
			return nil, err
		}
		p.CreatedAt = fromMicros(created)
		projects = append(projects, p)
	}
	return projects, rows.Err()
}

// CreateProject stores a new project. Two collectors creating the same
// project at the same moment may both succeed; Projects lists it once.
func (s *Store) CreateProject(ctx context.Context, p waymark.Project) error {
	var clashes uint64
	if err := s.conn.QueryRow(ctx, queries.Get("ProjectClash"), p.ID, p.WriteKey, p.ReadKey, p.WriteKey, p.ReadKey).Scan(&clashes); err != nil {
		return fmt.Errorf("create project: %w", err)
	}
	if clashes > 0 {
		return waymark.Errorf(waymark.KindConflict, "project %s or its keys already exist", p.ID)
	}
	if err := s.insert(ctx, queries.Get("InsertProject"), p.ID, p.Name, p.WriteKey, p.ReadKey, micros(p.CreatedAt)); err != nil {
		return fmt.Errorf("create project: %w", err)
	}
	return nil
}

func nullableTime(us *int64) time.Time {
	if us == nil {
		return time.Time{}
	}
	return fromMicros(*us)
}
