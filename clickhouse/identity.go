package clickhouse

import (
	"context"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
)

// resolveIdentities stores the links events carry, then recomputes the
// identity rows of every id connected to them from all of their stored links.
// ClickHouse has no transactions, so instead of changing rows in place as the
// embedded engine does, each writer derives rows from the append-only links
// with the same rules (identity.Graph) and stamps them with the number of
// links seen. Links only accumulate, so whichever collector read later saw a
// superset and wins: concurrent collectors converge on the same table.
// first is the seq of events[0].
func (s *Store) resolveIdentities(ctx context.Context, events []waymark.Event, first int64) error {
	type linkRow struct {
		project string
		link    identity.Link
		seq     int64
		message string
	}
	var rows []linkRow
	ids := map[string][]string{} // project -> ids of new links
	var projects []string
	for i := range events {
		e := &events[i]
		link, ok := identity.LinkOf(e)
		if !ok {
			continue
		}
		if ids[e.ProjectID] == nil {
			projects = append(projects, e.ProjectID)
		}
		ids[e.ProjectID] = append(ids[e.ProjectID], link.From, link.Into)
		rows = append(rows, linkRow{e.ProjectID, link, first + int64(i), e.MessageID})
	}
	if len(rows) == 0 {
		return nil
	}
	batch, err := s.conn.PrepareBatch(ctx, queries.Get("InsertLinks"))
	if err != nil {
		return fmt.Errorf("store identity links: %w", err)
	}
	defer batch.Abort()
	for _, r := range rows {
		for _, end := range []string{r.link.From, r.link.Into} {
			if err := batch.Append(r.project, end, r.link.From, r.link.Into, boolByte(r.link.Alias), r.seq, r.message); err != nil {
				return fmt.Errorf("store identity link: %w", err)
			}
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("store identity links: %w", err)
	}
	for _, project := range projects {
		if err := s.recompute(ctx, project, ids[project]); err != nil {
			return fmt.Errorf("resolve identities: %w", err)
		}
	}
	return nil
}

// recompute rewrites the identity rows of every id connected to ids.
func (s *Store) recompute(ctx context.Context, project string, ids []string) error {
	component, err := s.connected(ctx, project, ids)
	if err != nil {
		return err
	}
	rows, err := s.conn.Query(ctx, queries.Get("ComponentLinks"), project, set(component))
	if err != nil {
		return err
	}
	var links []identity.Link
	for rows.Next() {
		var l identity.Link
		var alias uint8
		if err := rows.Scan(&l.From, &l.Into, &alias); err != nil {
			rows.Close()
			return err
		}
		l.Alias = alias == 1
		links = append(links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	graph := identity.NewGraph()
	graph.Apply(links...)

	batch, err := s.conn.PrepareBatch(ctx, queries.Get("InsertIdentities"))
	if err != nil {
		return err
	}
	defer batch.Abort()
	version := uint64(len(links))
	for _, r := range graph.Rows() {
		if err := batch.Append(project, r.DistinctID, r.PersonID, boolByte(r.IsUser), version); err != nil {
			return err
		}
	}
	return batch.Send()
}

// connected returns ids and every id reachable from them through links.
func (s *Store) connected(ctx context.Context, project string, ids []string) ([]string, error) {
	seen := map[string]bool{}
	var all, frontier []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			all = append(all, id)
			frontier = append(frontier, id)
		}
	}
	for _, id := range ids {
		add(id)
	}
	for len(frontier) > 0 {
		rows, err := s.conn.Query(ctx, queries.Get("LinkedIds"), project, set(frontier))
		if err != nil {
			return nil, err
		}
		frontier = nil
		for rows.Next() {
			var from, into string
			if err := rows.Scan(&from, &into); err != nil {
				rows.Close()
				return nil, err
			}
			add(from)
			add(into)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return all, nil
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// set binds values as a tuple, for "x IN ?"; values must not be empty.
func set[T any](values []T) ch.GroupSet {
	g := ch.GroupSet{Value: make([]any, len(values))}
	for i, v := range values {
		g.Value[i] = v
	}
	return g
}
