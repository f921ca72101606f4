package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/waymark-analytics/waymark/storage"
)

func loadMessageSet(ctx context.Context, db *sql.DB) (*storage.MessageSet, error) {
	// Sized up front: ten million hashes grown by appends would peak at
	// twice their 80 MB.
	var n int
	if err := db.QueryRowContext(ctx, queries.Get("EventCount")).Scan(&n); err != nil {
		return nil, fmt.Errorf("load message hashes: %w", err)
	}
	rows, err := db.QueryContext(ctx, queries.Get("MessageHashes"))
	if err != nil {
		return nil, fmt.Errorf("load message hashes: %w", err)
	}
	defer rows.Close()
	hashes := make([]int64, 0, n)
	for rows.Next() {
		var h int64
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("load message hashes: %w", err)
		}
		hashes = append(hashes, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load message hashes: %w", err)
	}
	return storage.NewMessageSet(hashes), nil
}

// storedMessages confirms duplicate candidates: which messages with the
// given hashes are stored.
func (s *Store) storedMessages(ctx context.Context, hashes []int64) (map[storage.Message]bool, error) {
	rows, err := s.db.QueryContext(ctx, queries.Get("StoredMessages"), hashes)
	if err != nil {
		return nil, unavailable(err)
	}
	stored, err := storage.Messages(rows)
	if err != nil {
		return nil, unavailable(err)
	}
	return stored, nil
}
