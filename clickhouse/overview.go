package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"text/template"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

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
	return overviewRows(rows)
}

// overviewRows reads rows of (kind, value, events, persons, conversions,
// revenue), dropping groups of an empty value, and closes them.
func overviewRows(rows driver.Rows) ([]report.OverviewRow, error) {
	defer rows.Close()
	var out []report.OverviewRow
	for rows.Next() {
		var r report.OverviewRow
		var kind string
		var events, persons, conversions int64
		if err := rows.Scan(&kind, &r.Value, &events, &persons, &conversions, &r.Revenue); err != nil {
			return nil, err
		}
		r.Kind = report.OverviewKind(kind)
		if r.Value == "" && r.Kind != report.OverviewTotal && r.Kind != report.OverviewNew {
			continue
		}
		r.Events, r.Persons, r.Conversions = int(events), int(persons), int(conversions)
		out = append(out, r)
	}
	return out, rows.Err()
}
