package storage

import "github.com/waymark-analytics/waymark/report"

// Rows is a query's result as both engines' drivers give it.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Values reads a result of one column, and closes it.
func Values[T any](rows Rows) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Messages reads a result of (project, messageId) rows into a set, and
// closes it.
func Messages(rows Rows) (map[Message]bool, error) {
	defer rows.Close()
	stored := make(map[Message]bool)
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ProjectID, &m.MessageID); err != nil {
			return nil, err
		}
		stored[m] = true
	}
	return stored, rows.Err()
}

// PropertyKeys reads rows of a key and a number of events, and closes
// them; it returns the keys most used first.
func PropertyKeys(rows Rows) ([]report.PropertyKey, error) {
	defer rows.Close()
	keys := []report.PropertyKey{}
	for rows.Next() {
		var k report.PropertyKey
		if err := rows.Scan(&k.Key, &k.Events); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	report.SortPropertyKeys(keys)
	return keys, rows.Err()
}

// TraitKeys reads rows of a key and a number of persons, and closes them;
// it returns the keys most used first.
func TraitKeys(rows Rows) ([]report.TraitKey, error) {
	defer rows.Close()
	keys := []report.TraitKey{}
	for rows.Next() {
		var k report.TraitKey
		if err := rows.Scan(&k.Key, &k.Persons); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	report.SortTraitKeys(keys)
	return keys, rows.Err()
}

// FieldValues reads rows of a value and a number of events, in the order
// of the answer, and closes them.
func FieldValues(rows Rows) ([]report.FieldValue, error) {
	defer rows.Close()
	values := []report.FieldValue{}
	for rows.Next() {
		var v report.FieldValue
		if err := rows.Scan(&v.Value, &v.Events); err != nil {
			return nil, err
		}
		values = append(values, v)
	}
	return values, rows.Err()
}
