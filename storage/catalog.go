package storage

import (
	"context"
	"fmt"

	"github.com/waymark-analytics/waymark/report"
)

// NamedQuery runs an engine's SQL with named parameters: how the catalog's
// readers, written once here, query either engine.
type NamedQuery func(ctx context.Context, query string, args map[string]any) (Rows, error)

// EventNames is Store.EventNames for an engine whose EventNames query is
// query: scan reads a row of type, name, count and first and last times
// into n, as the engine's driver gives them.
func EventNames(ctx context.Context, run NamedQuery, query, projectID string, scan func(rows Rows, n *report.EventName) error) ([]report.EventName, error) {
	names, err := readAll(ctx, run, query, map[string]any{"project": projectID}, scan)
	if err != nil {
		return nil, fmt.Errorf("event names: %w", err)
	}
	report.SortEventNames(names)
	return names, nil
}

// PropertyKeys is Store.PropertyKeys for an engine whose PropertyKeys
// query, of a key and a number of events a row, is query.
func PropertyKeys(ctx context.Context, run NamedQuery, query, projectID string, filter report.EventKind) ([]report.PropertyKey, error) {
	keys, err := readAll(ctx, run, query, map[string]any{"project": projectID, "type": filter.Type, "name": filter.Name},
		func(rows Rows, k *report.PropertyKey) error { return rows.Scan(&k.Key, &k.Events) })
	if err != nil {
		return nil, fmt.Errorf("property keys: %w", err)
	}
	report.SortPropertyKeys(keys)
	return keys, nil
}

// TraitKeys is Store.TraitKeys for an engine whose TraitKeys query, of a
// key and a number of persons a row, is query.
func TraitKeys(ctx context.Context, run NamedQuery, query, projectID string) ([]report.TraitKey, error) {
	keys, err := readAll(ctx, run, query, map[string]any{"project": projectID},
		func(rows Rows, k *report.TraitKey) error { return rows.Scan(&k.Key, &k.Persons) })
	if err != nil {
		return nil, fmt.Errorf("trait keys: %w", err)
	}
	report.SortTraitKeys(keys)
	return keys, nil
}

// readAll runs query and reads every row with scan, into a list that is
// empty, not nil, without rows.
func readAll[T any](ctx context.Context, run NamedQuery, query string, args map[string]any, scan func(rows Rows, v *T) error) ([]T, error) {
	rows, err := run(ctx, query, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
