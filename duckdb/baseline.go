package duckdb

import (
	"context"
	"database/sql/driver"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/storage"
)

// AppendBare writes events into a new database at path with nothing but
// DuckDB's appender: no duplicate check, identity or transaction per request.
// It is the ceiling that `waymark bench ingest` measures the real write path
// against.
func AppendBare(ctx context.Context, path string, events []waymark.Event) error {
	s, err := Open(ctx, path, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(c any) error {
		a, err := duckdb.NewAppenderFromConn(c.(driver.Conn), "", "events")
		if err != nil {
			return err
		}
		for i := range events {
			f := storage.Flatten(&events[i])
			if err := a.AppendRow(eventRow(&events[i], &f, int64(i), storage.MessageHash(events[i].ProjectID, events[i].MessageID))...); err != nil {
				a.Close()
				return fmt.Errorf("append: %w", err)
			}
		}
		return a.Close()
	})
}
