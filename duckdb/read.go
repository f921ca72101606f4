package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// MaxSeq implements columnar.Origin.
func (s *Store) MaxSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := s.db.QueryRowContext(ctx, queries.Get("MaxSeq")).Scan(&seq)
	return seq, err
}

// EventsBetween implements columnar.Origin.
func (s *Store) EventsBetween(ctx context.Context, projectID string, after, through int64, fn func(seq int64, e *waymark.Event) error) error {
	shape := eventSQL{EventSQL: storage.EventSQL{After: true}, Through: true}
	args := []any{sql.Named("project", projectID), sql.Named("after", after), sql.Named("through", through)}
	return s.readEvents(ctx, shape, args, projectID, func(e *report.StoredEvent) error { return fn(e.Seq, &e.Event) })
}

// MergedIdentities implements columnar.Origin.
func (s *Store) MergedIdentities(ctx context.Context, projectID string, fn func(distinctID, personID string) error) error {
	rows, err := s.db.QueryContext(ctx, queries.Get("MergedIdentities"), projectID)
	if err != nil {
		return fmt.Errorf("read identities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var did, person string
		if err := rows.Scan(&did, &person); err != nil {
			return err
		}
		if err := fn(did, person); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Rejections calls fn with every dead letter of the project, oldest first.
func (s *Store) Rejections(ctx context.Context, projectID string, fn func(r *waymark.Rejection) error) error {
	rows, err := s.db.QueryContext(ctx, queries.Get("Rejections"), projectID)
	if err != nil {
		return fmt.Errorf("list rejections: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r := waymark.Rejection{ProjectID: projectID}
		var payload string
		if err := rows.Scan(&r.MessageID, &r.Reason, &payload, &r.ReceivedAt); err != nil {
			return fmt.Errorf("list rejections: %w", err)
		}
		r.Payload = json.RawMessage(payload)
		r.ReceivedAt = r.ReceivedAt.UTC()
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
	var first, last sql.NullTime
	if err := s.db.QueryRowContext(ctx, queries.Get("PersonSeen"), projectID, p.IDs).Scan(&first, &last); err != nil {
		return p, fmt.Errorf("person activity: %w", err)
	}
	if !first.Valid {
		return p, waymark.Errorf(waymark.KindNotFound, "no person with id %q", distinctID)
	}
	p.FirstSeen, p.LastSeen = first.Time.UTC(), last.Time.UTC()
	p.Acquisition.FirstSeen = p.FirstSeen.Format(time.DateOnly)
	a := &p.Acquisition
	err = s.db.QueryRowContext(ctx, queries.Get("PersonFirstTouch"), sql.Named("project", projectID), sql.Named("ids", p.IDs)).
		Scan(&a.Channel, &a.UTMSource, &a.UTMMedium, &a.UTMCampaign, &a.UTMContent, &a.ReferrerHost, &a.LandingPage)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("person first touch: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, queries.Get("PersonTraits"), projectID, p.IDs)
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
	rows, err := s.db.QueryContext(ctx, queries.Get("GroupTraits"), projectID, groupID)
	if err != nil {
		return g, fmt.Errorf("group traits: %w", err)
	}
	if g.FirstSeen, g.LastSeen, err = latestTraits(rows, g.Traits); err != nil {
		return g, err
	}
	if g.FirstSeen.IsZero() {
		return g, waymark.Errorf(waymark.KindNotFound, "no group with id %q", groupID)
	}
	members, err := s.db.QueryContext(ctx, queries.Get("GroupMembers"), projectID, groupID)
	if err != nil {
		return g, fmt.Errorf("group members: %w", err)
	}
	g.Members, err = storage.Values[string](members)
	return g, err
}

// latestTraits applies rows of (traits JSON, timestamp), oldest first, to
// traits, so each trait ends with its latest value. It closes rows and
// returns the first and last timestamps.
func latestTraits(rows *sql.Rows, traits map[string]any) (first, last time.Time, err error) {
	defer rows.Close()
	for rows.Next() {
		var raw jsonColumn
		var at time.Time
		if err := rows.Scan(&raw, &at); err != nil {
			return first, last, err
		}
		if first.IsZero() {
			first = at.UTC()
		}
		last = at.UTC()
		storage.MergeTraits(traits, raw.raw)
	}
	return first, last, rows.Err()
}

// Projects lists every project with its keys.
func (s *Store) Projects(ctx context.Context) ([]waymark.Project, error) {
	rows, err := s.db.QueryContext(ctx, queries.Get("Projects"))
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	var projects []waymark.Project
	for rows.Next() {
		var p waymark.Project
		if err := rows.Scan(&p.ID, &p.Name, &p.WriteKey, &p.ReadKey, &p.CreatedAt); err != nil {
			return nil, err
		}
		p.CreatedAt = p.CreatedAt.UTC()
		projects = append(projects, p)
	}
	return projects, rows.Err()
}

// CreateProject stores a new project.
func (s *Store) CreateProject(ctx context.Context, p waymark.Project) error {
	_, err := s.db.ExecContext(ctx,
		queries.Get("CreateProject"),
		p.ID, p.Name, p.WriteKey, p.ReadKey, p.CreatedAt.UTC())
	if err != nil {
		return &waymark.Error{Kind: waymark.KindConflict, Message: "project " + p.ID + " or its keys already exist", Err: err}
	}
	return nil
}

// jsonColumn scans a nullable JSON column into raw bytes.
type jsonColumn struct{ raw json.RawMessage }

func (j *jsonColumn) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		j.raw = nil
	case string:
		j.raw = json.RawMessage(v)
	case []byte:
		j.raw = append(json.RawMessage(nil), v...)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		j.raw = b
	}
	return nil
}
