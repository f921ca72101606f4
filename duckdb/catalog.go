package duckdb

import (
	"context"
	"database/sql"
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
	c.first, c.last = report.MinTime(c.first, f.Timestamp), report.MaxTime(c.last, f.Timestamp)
	for _, key := range f.PropertiesNames {
		k := catalogKey{ce, "properties", key}
		if _, ok := d.keys[k]; !ok {
			d.keyAt = append(d.keyAt, k)
		}
		d.keys[k]++
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

// query runs DuckDB's SQL with named parameters, for storage's catalog
// readers.
func (s *Store) query(ctx context.Context, query string, args map[string]any) (storage.Rows, error) {
	named := make([]any, 0, len(args))
	for name, v := range args {
		named = append(named, sql.Named(name, v))
	}
	return s.db.QueryContext(ctx, query, named...)
}

// EventNames lists every (type, name) of the project's events, most
// events first, from the catalog.
func (s *Store) EventNames(ctx context.Context, projectID string) ([]report.EventName, error) {
	if err := s.currentCatalog(ctx); err != nil {
		return nil, err
	}
	if err := s.requires(catalogVersion); err != nil {
		return nil, err
	}
	return storage.EventNames(ctx, s.query, queries.Get("EventNames"), projectID, func(rows storage.Rows, n *report.EventName) error {
		if err := rows.Scan(&n.Type, &n.Name, &n.Events, &n.FirstSeen, &n.LastSeen); err != nil {
			return err
		}
		n.FirstSeen, n.LastSeen = n.FirstSeen.UTC(), n.LastSeen.UTC()
		return nil
	})
}

// PropertyKeys lists the property keys of the events the filter picks,
// most used first, from the catalog.
func (s *Store) PropertyKeys(ctx context.Context, projectID string, filter report.EventKind) ([]report.PropertyKey, error) {
	if err := s.currentCatalog(ctx); err != nil {
		return nil, err
	}
	if err := s.requires(catalogVersion); err != nil {
		return nil, err
	}
	return storage.PropertyKeys(ctx, s.query, queries.Get("PropertyKeys"), projectID, filter)
}

// TraitKeys lists the trait keys of identify calls with the number of
// persons who sent each.
func (s *Store) TraitKeys(ctx context.Context, projectID string) ([]report.TraitKey, error) {
	if err := s.requires(membersVersion); err != nil {
		return nil, err
	}
	return storage.TraitKeys(ctx, s.query, queries.Get("TraitKeys"), projectID)
}

var valuesQuery = template.Must(template.New("FieldValues").Parse(queries.Get("FieldValues")))

// fieldDialect is how DuckDB's SQL reads an event field.
var fieldDialect = storage.FieldDialect{
	Param:  "$%s",
	Column: "coalesce(%s, '')",
	Member: "coalesce(%[1]s_texts[list_position(%[1]s_names, %[2]s)], '')",
}

// FieldValues lists the most common values of a field.
func (s *Store) FieldValues(ctx context.Context, projectID string, q report.ValuesQuery) ([]report.FieldValue, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if q.Field.OfPerson() {
		return storage.PersonValues(ctx, s, projectID, q)
	}
	if err := s.requires(membersVersion); err != nil {
		return nil, err
	}
	return storage.EventFieldValues(ctx, s.query, valuesQuery, &fieldDialect, projectID, q)
}
