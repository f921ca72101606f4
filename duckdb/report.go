package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"text/template"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// dialect is DuckDB's SQL for storage.CompileHits.
var dialect = storage.Dialect{
	Param:    "$%s",
	Column:   "coalesce(%s, '')",
	Member:   "coalesce(%[1]s_texts[list_position(%[1]s_names, %[2]s)], '')",
	Contains: "contains(%s, %s)",
	Matches:  "regexp_matches(%s, %s)",
	In:       "list_contains(%[2]s, %[1]s)",
	Number:   "TRY_CAST(%s AS DOUBLE)", // TRY: DuckDB may evaluate it before the test that the value is a number
	Mask:     "CAST(%s AS UBIGINT)",
}

var hitsQuery = template.Must(template.New("Hits").Parse(queries.Get("Hits")))

// Hits implements report.Source.
func (s *Store) Hits(ctx context.Context, q report.Query, fn func(p *report.Person) error) error {
	return storage.PersonHits(ctx, q, s.eventHits, s.persons(), fn)
}

// persons reads what person fields need.
func (s *Store) persons() storage.Persons {
	return storage.Persons{Traits: s.identifyTraits, Acquisitions: s.acquisitions}
}

// eventHits runs a query without person fields.
func (s *Store) eventHits(ctx context.Context, q report.Query, fn func(p *report.Person) error) error {
	if err := s.requires(membersVersion); err != nil {
		return err
	}
	query, params, err := storage.CompileHits(&q, &dialect, hitsQuery)
	if err != nil {
		return err
	}
	args := []any{sql.Named("project", q.ProjectID), sql.Named("from", bound(q.From)), sql.Named("to", bound(q.To))}
	for _, p := range params {
		args = append(args, sql.Named(p.Name, p.Value))
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("report hits: %w", err)
	}
	defer rows.Close()
	return storage.StreamHits(rows, func(person *string, h *report.Hit) error {
		err := rows.Scan(person, &h.Time, &h.Seq, &h.Mask, &h.Value)
		h.Time = h.Time.UTC()
		return err
	}, fn)
}

// bound is a range bound as a parameter: nil when unbounded.
func bound(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return storage.CeilMicro(t).UTC()
}

// identifyTraits implements storage.Traits.
func (s *Store) identifyTraits(ctx context.Context, project string, fn func(person string, traits []byte) error) error {
	rows, err := s.db.QueryContext(ctx, queries.Get("IdentifyTraits"), project)
	if err != nil {
		return err
	}
	return storage.ScanTraits(rows, fn)
}

// acquisitions implements storage.Acquisitions.
func (s *Store) acquisitions(ctx context.Context, project string, fn func(person string, a *waymark.Acquisition) error) error {
	rows, err := s.db.QueryContext(ctx, queries.Get("Acquisitions"), sql.Named("project", project))
	if err != nil {
		return err
	}
	return storage.ScanAcquisitions(rows, fn)
}
