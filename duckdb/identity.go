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
// writer of the identity table, as identity.Plan requires. It returns, by
// project, each distinct id whose person changed and its person now.
func (s *Store) resolveIdentities(ctx context.Context, written []*waymark.Event) (map[string]map[string]string, error) {
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
	assigned := map[string]map[string]string{}
	for _, project := range projects {
		state, err := s.identityState(ctx, project, identity.Ids(links[project]))
		if err != nil {
			return nil, err
		}
		assigned[project] = map[string]string{}
		if err := s.applyChanges(ctx, project, identity.Plan(state, links[project]), assigned[project]); err != nil {
			return nil, err
		}
	}
	return assigned, nil
}

func (s *Store) identityState(ctx context.Context, project string, ids []string) (identity.State, error) {
	rows, err := s.writer.QueryContext(ctx, queries.Get("IdentityState"), sql.Named("project", project), sql.Named("ids", ids))
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

// applyChanges executes identity changes in order, recording in assigned
// the person each changed distinct id resolves to now. Runs of assignments
// go in as one statement: a batch of sign-ups is thousands of them.
func (s *Store) applyChanges(ctx context.Context, project string, changes []identity.Change, assigned map[string]string) error {
	var ids, persons []string
	var users []bool
	insert := func() error {
		if len(ids) == 0 {
			return nil
		}
		_, err := s.writer.ExecContext(ctx, queries.Get("AssignIdentities"),
			sql.Named("project", project), sql.Named("ids", ids), sql.Named("persons", persons), sql.Named("users", users))
		ids, persons, users = ids[:0], persons[:0], users[:0]
		return err
	}
	for _, c := range changes {
		switch c.Kind {
		case identity.Assign:
			ids, persons, users = append(ids, c.DistinctID), append(persons, c.PersonID), append(users, c.IsUser)
			assigned[c.DistinctID] = c.PersonID
		case identity.Move:
			if err := insert(); err != nil {
				return fmt.Errorf("assign identities: %w", err)
			}
			if err := s.movePerson(ctx, project, c.From, c.Into, assigned); err != nil {
				return fmt.Errorf("identity %s: %w", c, err)
			}
		}
	}
	if err := insert(); err != nil {
		return fmt.Errorf("assign identities: %w", err)
	}
	return nil
}

// movePerson gives every id of person from to person into.
func (s *Store) movePerson(ctx context.Context, project, from, into string, assigned map[string]string) error {
	rows, err := s.writer.QueryContext(ctx, queries.Get("MovePerson"), into, project, from)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		assigned[id] = into
	}
	return rows.Err()
}
