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

// catalogDelta sums what a write adds to the schema catalog, so that the
// write updates each of its rows once.
type catalogDelta struct {
	events map[catalogEvent]*catalogEventCount
	keys   map[catalogKey]int64
	order  []catalogEvent // first seen first, for a deterministic write
	keyAt  []catalogKey
}

type catalogEvent struct{ project, typ, name string }

type catalogEventCount struct {
	events      int64
	first, last time.Time
}

type catalogKey struct {
	catalogEvent
	object, key string
}

func newCatalogDelta() *catalogDelta {
	return &catalogDelta{events: map[catalogEvent]*catalogEventCount{}, keys: map[catalogKey]int64{}}
}

// add counts a written event, whose flat form is f.
func (d *catalogDelta) add(e *waymark.Event, f *storage.Flat) {
	ce := catalogEvent{e.ProjectID, f.Type, f.Name}
	c := d.events[ce]
	if c == nil {
		c = &catalogEventCount{first: f.Timestamp, last: f.Timestamp}
		d.events[ce] = c
		d.order = append(d.order, ce)
	}
	c.events++
	c.first, c.last = earliest(c.first, f.Timestamp), latest(c.last, f.Timestamp)
	for _, object := range [...]struct {
		name string
		keys []string
	}{{"properties", f.PropertiesNames}, {"traits", f.TraitsNames}} {
		for _, key := range object.keys {
			k := catalogKey{ce, object.name, key}
			if _, ok := d.keys[k]; !ok {
				d.keyAt = append(d.keyAt, k)
			}
			d.keys[k]++
		}
	}
}

// write adds the delta to the catalog tables in the open transaction.
func (d *catalogDelta) write(ctx context.Context, conn *sql.Conn) error {
	if len(d.order) == 0 {
		return nil
	}
	var projects, types, names []string
	var counts []int64
	var firsts, lasts []time.Time
	for _, ce := range d.order {
		c := d.events[ce]
		projects, types, names = append(projects, ce.project), append(types, ce.typ), append(names, ce.name)
		counts, firsts, lasts = append(counts, c.events), append(firsts, c.first), append(lasts, c.last)
	}
	if _, err := conn.ExecContext(ctx, queries.Get("AddCatalogEvents"),
		sql.Named("projects", projects), sql.Named("types", types), sql.Named("names", names),
		sql.Named("events", counts), sql.Named("firsts", firsts), sql.Named("lasts", lasts)); err != nil {
		return err
	}
	if len(d.keyAt) == 0 {
		return nil
	}
	projects, types, names, counts = projects[:0], types[:0], names[:0], counts[:0]
	var objects, keys []string
	for _, k := range d.keyAt {
		projects, types, names = append(projects, k.project), append(types, k.typ), append(names, k.name)
		objects, keys, counts = append(objects, k.object), append(keys, k.key), append(counts, d.keys[k])
	}
	_, err := conn.ExecContext(ctx, queries.Get("AddCatalogKeys"),
		sql.Named("projects", projects), sql.Named("types", types), sql.Named("names", names),
		sql.Named("objects", objects), sql.Named("keys", keys), sql.Named("events", counts))
	return err
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// EventNames lists every (type, name) of the project's events, most
// events first, from the catalog.
func (s *Store) EventNames(ctx context.Context, projectID string) ([]report.EventName, error) {
	if err := s.requires(catalogVersion); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, queries.Get("EventNames"), sql.Named("project", projectID))
	if err != nil {
		return nil, fmt.Errorf("event names: %w", err)
	}
	defer rows.Close()
	names := []report.EventName{}
	for rows.Next() {
		var n report.EventName
		if err := rows.Scan(&n.Type, &n.Name, &n.Events, &n.FirstSeen, &n.LastSeen); err != nil {
			return nil, fmt.Errorf("event names: %w", err)
		}
		n.FirstSeen, n.LastSeen = n.FirstSeen.UTC(), n.LastSeen.UTC()
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
	if err := s.requires(catalogVersion); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, queries.Get("PropertyKeys"),
		sql.Named("project", projectID), sql.Named("type", filter.Type), sql.Named("name", filter.Name))
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
	if err := s.requires(membersVersion); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, queries.Get("TraitKeys"), sql.Named("project", projectID))
	if err != nil {
		return nil, fmt.Errorf("trait keys: %w", err)
	}
	keys, err := storage.TraitKeys(rows)
	if err != nil {
		return nil, fmt.Errorf("trait keys: %w", err)
	}
	return keys, nil
}

var valuesQuery = template.Must(template.New("FieldValues").Parse(queries.Get("FieldValues")))

// dialect is DuckDB's SQL for storage.CompileValues.
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

// personValues counts the values of a person field, over the persons who
// did the event, or over every person with a value: the report index
// reads each person's profile as a breakdown does.
func personValues(ctx context.Context, src report.Source, projectID string, q report.ValuesQuery) ([]report.FieldValue, error) {
	counts := map[string]int64{}
	query := report.Query{ProjectID: projectID, Touchpoints: []report.Touchpoint{{Event: q.Event}}, Breakdown: q.Field}
	err := src.Hits(ctx, query, func(p *report.Person) error {
		if v := p.Hits[0].Value; v != "" || q.Event != "" {
			counts[v]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return report.TopValues(&q, counts, true), nil
}

// FieldValues lists the most common values of a field.
func (s *Store) FieldValues(ctx context.Context, projectID string, q report.ValuesQuery) ([]report.FieldValue, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if q.Field.OfPerson() {
		return personValues(ctx, s, projectID, q)
	}
	if err := s.requires(membersVersion); err != nil {
		return nil, err
	}
	query, params, err := storage.CompileValues(&q, &dialect, valuesQuery)
	if err != nil {
		return nil, err
	}
	args := []any{sql.Named("project", projectID), sql.Named("event", q.Event), sql.Named("prefix", q.Prefix), sql.Named("limit", q.Limit)}
	for _, p := range params {
		args = append(args, sql.Named(p.Name, p.Value))
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("field values: %w", err)
	}
	values, err := storage.FieldValues(rows)
	if err != nil {
		return nil, fmt.Errorf("field values: %w", err)
	}
	return values, nil
}
