package duckdb

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/waymark-analytics/waymark/columnar"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

var _ columnar.Origin = (*Store)(nil)

// openIndex opens the report index beside the database file, catching up
// with what the database holds beyond it.
func (s *Store) openIndex(ctx context.Context) (*columnar.Index, error) {
	projects, err := s.Projects(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(projects))
	for i, p := range projects {
		ids[i] = p.ID
	}
	return columnar.Open(ctx, s.path+".index", s, ids, columnar.Options{ReadOnly: s.opts.ReadOnly, MergeRows: s.opts.IndexMergeRows})
}

// reports returns the report index. A writable store opens it with the
// database, so that the first report finds it ready; a read-only store,
// which export and other commands open, only when a report needs it,
// since catching up then happens in memory.
func (s *Store) reports(ctx context.Context) (*columnar.Index, error) {
	s.indexMu.Lock()
	defer s.indexMu.Unlock()
	if s.index == nil {
		index, err := s.openIndex(ctx)
		if err != nil {
			return nil, fmt.Errorf("open report index: %w", err)
		}
		s.index = index
	}
	return s.index, nil
}

var _ report.Partitioned = (*Store)(nil)

// Hits implements report.Source: reports read the index.
func (s *Store) Hits(ctx context.Context, q report.Query, fn func(p *report.Person) error) error {
	index, err := s.reports(ctx)
	if err != nil {
		return err
	}
	return index.Hits(ctx, q, fn)
}

// Workers implements report.Partitioned.
func (s *Store) Workers() int { return columnar.Workers() }

// HitsPartitioned implements report.Partitioned.
func (s *Store) HitsPartitioned(ctx context.Context, q report.Query, fn func(worker int, p *report.Person) error) error {
	index, err := s.reports(ctx)
	if err != nil {
		return err
	}
	return index.HitsPartitioned(ctx, q, fn)
}

// commitToIndex hands the report index what a commit stored, written in
// storage order; assigned holds, by project, the distinct ids whose person
// changed.
func (s *Store) commitToIndex(ctx context.Context, written []columnar.Committed, assigned map[string]map[string]string) {
	var order []string
	commits := map[string][]columnar.Committed{}
	add := func(project string) {
		if _, ok := commits[project]; !ok {
			commits[project] = nil
			order = append(order, project)
		}
	}
	for _, c := range written {
		add(c.Event.ProjectID)
		commits[c.Event.ProjectID] = append(commits[c.Event.ProjectID], c)
	}
	for project := range assigned {
		add(project)
	}
	for _, project := range order {
		if err := s.index.Commit(ctx, project, commits[project], assigned[project]); err != nil {
			// The events are stored: the index reads them from the
			// database when it next loads the project.
			slog.Error("report index commit", "project", project, "err", err)
		}
	}
}

// bound is a range bound as a parameter: nil when unbounded.
func bound(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return storage.CeilMicro(t).UTC()
}

// profiles implements storage.Profiles from the index, one query a field:
// each person's first hit carries the field's value as its breakdown.
func (s *Store) profiles(ctx context.Context, project string, fields []report.Field) (map[string]report.Profile, error) {
	profiles := map[string]report.Profile{}
	for _, f := range fields {
		q := report.Query{ProjectID: project, Touchpoints: []report.Touchpoint{{}}, Breakdown: f}
		err := s.Hits(ctx, q, func(p *report.Person) error {
			if v := p.Hits[0].Value; v != "" {
				if profiles[p.ID] == nil {
					profiles[p.ID] = report.Profile{}
				}
				profiles[p.ID][f] = v
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return profiles, nil
}
