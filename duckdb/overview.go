package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"text/template"

	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

var overviewQuery = template.Must(template.New("Overview").Parse(queries.Get("Overview")))

// Overview implements report.OverviewSource.
func (s *Store) Overview(ctx context.Context, q report.OverviewQuery) ([]report.OverviewRow, error) {
	var query strings.Builder
	if err := overviewQuery.Execute(&query, q); err != nil {
		return nil, err
	}
	args := []any{sql.Named("project", q.ProjectID), sql.Named("from", bound(q.From)), sql.Named("to", bound(q.To)), sql.Named("goal", q.Goal)}
	if q.Details {
		args = append(args, sql.Named("origin", q.Origin.UnixMicro()), sql.Named("width", q.Width.Microseconds()))
	}
	rows, err := s.db.QueryContext(ctx, query.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("overview: %w", err)
	}
	return storage.OverviewRows(rows)
}
