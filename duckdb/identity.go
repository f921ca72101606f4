package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
)

// resolveIdentities applies the identity links carried by written events
// inside the open write transaction. The write lock makes this the only
// writer of the identity table, as identity.Plan requires.
func (s *Store) resolveIdentities(ctx context.Context, written []*waymark.Event) error {
	links := map[string][]identity.Link{}
	var projects []string
	for _, e := range written {
		if link, ok := identity.LinkOf(e); ok {
			if links[e.ProjectID] == nil {
				projects = append(projects, e.ProjectID)
			}
			links[e.ProjectID] = append(links[e.ProjectID], link)
		}
	}
	for _, project := range projects {
		state, err := s.identityState(ctx, project, identity.Ids(links[project]))
		if err != nil {
			return err
		}
		for _, c := range identity.Plan(state, links[project]) {
			if err := s.applyChange(ctx, project, c); err != nil {
				return fmt.Errorf("identity %s: %w", c, err)
			}
		}
	}
	return nil
}

func (s *Store) identityState(ctx context.Context, project string, ids []string) (identity.State, error) {
	rows, err := s.writer.QueryContext(ctx, query("IdentityState"), sql.Named("project", project), sql.Named("ids", ids))
	if err != nil {
		return nil, fmt.Errorf("load identities: %w", err)
	}
	defer rows.Close()
	state := identity.State{}
	for rows.Next() {
		var id string
		var e identity.Entry
		if err := rows.Scan(&id, &e.PersonID, &e.Identified); err != nil {
			return nil, err
		}
		state[id] = e
	}
	return state, rows.Err()
}

func (s *Store) applyChange(ctx context.Context, project string, c identity.Change) error {
	var err error
	switch c.Kind {
	case identity.Assign:
		_, err = s.writer.ExecContext(ctx,
			"INSERT INTO identities (project_id, distinct_id, person_id, is_user) VALUES (?, ?, ?, ?)",
			project, c.DistinctID, c.PersonID, c.IsUser)
	case identity.Move:
		_, err = s.writer.ExecContext(ctx,
			"UPDATE identities SET person_id = ? WHERE project_id = ? AND person_id = ?",
			c.Into, project, c.From)
	}
	return err
}
