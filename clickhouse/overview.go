package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"text/template"

	ch "github.com/ClickHouse/clickhouse-go/v2"

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
	from, to := storage.MicroRange(q.From, q.To)
	rows, err := s.conn.Query(spilling(ctx), query.String(), ch.Named("project", q.ProjectID),
		ch.Named("from", from), ch.Named("to", to), ch.Named("goal", q.Goal),
		ch.Named("origin", micros(q.Origin)), ch.Named("width", q.Width.Microseconds()))
	if err != nil {
		return nil, fmt.Errorf("overview: %w", err)
	}
	return storage.OverviewRows(rows)
}
