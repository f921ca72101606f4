package clickhouse

import (
	"context"
	"fmt"
	"text/template"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// EventNames lists every (type, name) of the project's events, most
// events first, from the catalog that materialized views keep.
func (s *Store) EventNames(ctx context.Context, projectID string) ([]report.EventName, error) {
	rows, err := s.conn.Query(ctx, queries.Get("EventNames"), ch.Named("project", projectID))
	if err != nil {
		return nil, fmt.Errorf("event names: %w", err)
	}
	defer rows.Close()
	names := []report.EventName{}
	for rows.Next() {
		var n report.EventName
		var events uint64
		var first, last int64
		if err := rows.Scan(&n.Type, &n.Name, &events, &first, &last); err != nil {
			return nil, fmt.Errorf("event names: %w", err)
		}
		n.Events, n.FirstSeen, n.LastSeen = int64(events), fromMicros(first), fromMicros(last)
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("event names: %w", err)
	}
	report.SortEventNames(names)
	return names, nil
}

// PropertyKeys lists the property keys of the events the filter picks,
// most used first, from the catalog.
func (s *Store) PropertyKeys(ctx context.Context, projectID string, filter report.EventKind) ([]report.PropertyKey, error) {
	rows, err := s.conn.Query(ctx, queries.Get("PropertyKeys"),
		ch.Named("project", projectID), ch.Named("type", filter.Type), ch.Named("name", filter.Name))
	if err != nil {
		return nil, fmt.Errorf("property keys: %w", err)
	}
	keys, err := storage.PropertyKeys(rows)
	if err != nil {
		return nil, fmt.Errorf("property keys: %w", err)
	}
	return keys, nil
}

// TraitKeys lists the trait keys of identify calls with the number of
// persons who sent each.
func (s *Store) TraitKeys(ctx context.Context, projectID string) ([]report.TraitKey, error) {
	rows, err := s.conn.Query(ctx, queries.Get("TraitKeys"), ch.Named("project", projectID))
	if err != nil {
		return nil, fmt.Errorf("trait keys: %w", err)
	}
	keys, err := storage.TraitKeys(rows)
	if err != nil {
		return nil, fmt.Errorf("trait keys: %w", err)
	}
	return keys, nil
}

// persons reads what person fields need.
func (s *Store) persons() storage.Persons {
	return storage.Persons{Traits: s.identifyTraits, Acquisitions: s.acquisitions}
}

var valuesQuery = template.Must(template.New("FieldValues").Parse(queries.Get("FieldValues")))

// FieldValues lists the most common values of a field.
func (s *Store) FieldValues(ctx context.Context, projectID string, q report.ValuesQuery) ([]report.FieldValue, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if q.Field.OfPerson() {
		return storage.PersonValues(ctx, projectID, q, s.Hits, s.persons())
	}
	query, params, err := storage.CompileValues(&q, &dialect, valuesQuery)
	if err != nil {
		return nil, err
	}
	args := []any{ch.Named("project", projectID), ch.Named("event", q.Event), ch.Named("prefix", q.Prefix), ch.Named("limit", q.Limit)}
	for _, p := range params {
		args = append(args, ch.Named(p.Name, p.Value))
	}
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("field values: %w", err)
	}
	values, err := storage.FieldValues(rows)
	if err != nil {
		return nil, fmt.Errorf("field values: %w", err)
	}
	return values, nil
}
