package duckdb

import (
	"context"
	"fmt"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// spendVersion is the migration that adds ad spend.
const spendVersion = 7

// ImportSpend stores rows of ad spend in one transaction, each replacing
// the stored row of the same field, value and day: all of them, or none.
func (s *Store) ImportSpend(ctx context.Context, projectID string, rows []report.SpendRow) error {
	if s.writer == nil {
		return waymark.Errorf(waymark.KindInvalid, "the store is open read-only")
	}
	if err := report.CheckSpendRows(rows); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import spend: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, queries.Get("ImportSpend"))
	if err != nil {
		return fmt.Errorf("import spend: %w", err)
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, projectID, string(r.Field), r.Value, r.Day, r.Amount); err != nil {
			return fmt.Errorf("import spend: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import spend: %w", err)
	}
	return nil
}

// Spend returns the project's spend of a field with first <= day < end.
// A database opened read-only from before spend has none.
func (s *Store) Spend(ctx context.Context, projectID string, field report.Field, first, end time.Time) ([]report.SpendRow, error) {
	if s.schema < spendVersion {
		return nil, nil
	}
	first, end = storage.SpendBounds(first, end)
	rows, err := s.db.QueryContext(ctx, queries.Get("Spend"), projectID, string(field), first, end)
	if err != nil {
		return nil, fmt.Errorf("read spend: %w", err)
	}
	return storage.ReadSpend(rows, field)
}
