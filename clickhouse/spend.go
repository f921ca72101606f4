package clickhouse

import (
	"context"
	"fmt"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// ImportSpend stores rows of ad spend in one insert, each replacing the
// stored row of the same field, value and day: all of them, or none.
func (s *Store) ImportSpend(ctx context.Context, projectID string, rows []report.SpendRow) error {
	if err := report.CheckSpendRows(rows); err != nil {
		return err
	}
	s.writeMu.Lock()
	seq := s.clock.next(1)
	s.writeMu.Unlock()
	batch, err := s.conn.PrepareBatch(ctx, queries.Get("InsertSpend"))
	if err != nil {
		return fmt.Errorf("import spend: %w", err)
	}
	defer batch.Abort()
	for _, r := range rows {
		if err := batch.Append(projectID, string(r.Field), r.Value, r.Day, r.Amount, seq); err != nil {
			return fmt.Errorf("import spend: %w", err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("import spend: %w", err)
	}
	return nil
}

// Spend returns the project's spend of a field with first <= day < end.
func (s *Store) Spend(ctx context.Context, projectID string, field report.Field, first, end time.Time) ([]report.SpendRow, error) {
	first, end = storage.SpendBounds(first, end)
	rows, err := s.conn.Query(ctx, queries.Get("Spend"), ch.Named("project", projectID), ch.Named("field", string(field)),
		ch.Named("first", first.Format(time.DateOnly)), ch.Named("end", end.Format(time.DateOnly)))
	if err != nil {
		return nil, fmt.Errorf("read spend: %w", err)
	}
	return storage.ReadSpend(rows, field)
}
