package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cespare/xxhash/v2"
)

// messageSet remembers the hash of every stored (project, messageId) so the
// writer finds duplicates with a map lookup instead of a table scan. A hash
// hit is only a candidate: the writer confirms it against the table, so a
// collision can never drop an event.
type messageSet struct {
	hashes map[int64]struct{}
}

func messageHash(projectID, messageID string) int64 {
	var d xxhash.Digest
	d.Reset()
	d.WriteString(projectID)
	d.Write([]byte{0})
	d.WriteString(messageID)
	return int64(d.Sum64())
}

func loadMessageSet(ctx context.Context, db *sql.DB) (*messageSet, error) {
	set := &messageSet{hashes: make(map[int64]struct{})}
	rows, err := db.QueryContext(ctx, query("MessageHashes"))
	if err != nil {
		return nil, fmt.Errorf("load message hashes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h int64
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		set.hashes[h] = struct{}{}
	}
	return set, rows.Err()
}

func (m *messageSet) has(h int64) bool {
	_, ok := m.hashes[h]
	return ok
}

func (m *messageSet) add(h int64)    { m.hashes[h] = struct{}{} }
func (m *messageSet) remove(h int64) { delete(m.hashes, h) }
