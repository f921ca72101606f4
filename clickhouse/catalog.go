package clickhouse

import (
	"context"
	"text/template"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// query runs ClickHouse's SQL with named parameters, for storage's catalog
// readers.
func (s *Store) query(ctx context.Context, query string, args map[string]any) (storage.Rows, error) {
	named := make([]any, 0, len(args))
	for name, v := range args {
		named = append(named, ch.Named(name, v))
	}
	return s.conn.Query(ctx, query, named...)
}

// EventNames lists every (type, name) of the project's events, most
// events first, from the catalog that materialized views keep.
func (s *Store) EventNames(ctx context.Context, projectID string) ([]report.EventName, error) {
	return storage.EventNames(ctx, s.query, queries.Get("EventNames"), projectID, func(rows storage.Rows, n *report.EventName) error {
		var events uint64
		var first, last int64
		if err := rows.Scan(&n.Type, &n.Name, &events, &first, &last); err != nil {
			return err
		}
		n.Events, n.FirstSeen, n.LastSeen = int64(events), fromMicros(first), fromMicros(last)
		return nil
	})
}

// PropertyKeys lists the property keys of the events the filter picks,
// most used first, from the catalog.
func (s *Store) PropertyKeys(ctx context.Context, projectID string, filter report.EventKind) ([]report.PropertyKey, error) {
	return storage.PropertyKeys(ctx, s.query, queries.Get("PropertyKeys"), projectID, filter)
}

// TraitKeys lists the trait keys of identify calls with the number of
// persons who sent each.
func (s *Store) TraitKeys(ctx context.Context, projectID string) ([]report.TraitKey, error) {
	return storage.TraitKeys(ctx, s.query, queries.Get("TraitKeys"), projectID)
}

var valuesQuery = template.Must(template.New("FieldValues").Parse(queries.Get("FieldValues")))

// FieldValues lists the most common values of a field.
func (s *Store) FieldValues(ctx context.Context, projectID string, q report.ValuesQuery) ([]report.FieldValue, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if q.Field.OfPerson() {
		return storage.PersonValues(ctx, s, projectID, q)
	}
	return storage.EventFieldValues(ctx, s.query, valuesQuery, &fieldDialect, projectID, q)
}
