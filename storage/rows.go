package storage

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
