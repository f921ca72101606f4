package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"text/template"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/storage"
)

var searchQuery = template.Must(template.New("SearchPersons").Parse(queries.Get("SearchPersons")))

// SearchPersons finds persons by id or trait value; see storage.Store.
func (s *Store) SearchPersons(ctx context.Context, projectID, text string, limit int) ([]waymark.PersonSummary, error) {
	return storage.SearchPersons(ctx, projectID, text, limit, s.matchPersons, s.Events, s.personRows)
}

func (s *Store) matchPersons(ctx context.Context, projectID, text string, limit int) ([]string, error) {
	var query strings.Builder
	if err := searchQuery.Execute(&query, nil); err != nil {
		return nil, err
	}
	persons, err := s.strings(ctx, query.String(), ch.Named("project", projectID), ch.Named("text", text),
		ch.Named("limit", limit))
	if err != nil {
		return nil, fmt.Errorf("search persons: %w", err)
	}
	return persons, nil
}

func (s *Store) personRows(ctx context.Context, projectID string, persons []string) ([]storage.PersonRow, error) {
	members, err := s.members(ctx, projectID, persons)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, person := range persons {
		ids = append(ids, members[person]...)
	}
	rows, err := s.conn.Query(ctx, queries.Get("PersonSummaries"), ch.Named("project", projectID),
		ch.Named("ids", set(ids)), ch.Named("persons", set(persons)))
	if err != nil {
		return nil, fmt.Errorf("summarise persons: %w", err)
	}
	defer rows.Close()
	var out []storage.PersonRow
	for rows.Next() {
		r := storage.PersonRow{}
		var first, last int64
		var events uint64
		if err := rows.Scan(&r.Person, &first, &last, &events, &r.Traits); err != nil {
			return nil, err
		}
		r.IDs, r.FirstSeen, r.LastSeen, r.Events = members[r.Person], fromMicros(first), fromMicros(last), int(events)
		out = append(out, r)
	}
	return out, rows.Err()
}
