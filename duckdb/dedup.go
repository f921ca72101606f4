package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/waymark-analytics/waymark/storage"
)

func loadMessageSet(ctx context.Context, db *sql.DB) (*storage.MessageSet, error) {
	rows, err := db.QueryContext(ctx, queries.Get("MessageHashes"))
	if err != nil {
		return nil, fmt.Errorf("load message hashes: %w", err)
	}
	defer rows.Close()
	var hashes []int64
	for rows.Next() {
		var h int64
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		hashes = append(hashes, h)
	}
	return storage.NewMessageSet(hashes), rows.Err()
}

// storedMessages confirms duplicate candidates: which messages with the
// given hashes are stored.
func (s *Store) storedMessages(ctx context.Context, hashes []int64) (map[storage.Message]bool, error) {
	rows, err := s.db.QueryContext(ctx, queries.Get("StoredMessages"), hashes)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	stored := make(map[storage.Message]bool)
	for rows.Next() {
		var m storage.Message
		if err := rows.Scan(&m.ProjectID, &m.MessageID); err != nil {
			return nil, err
		}
		stored[m] = true
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	return stored, nil
}
