package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"text/template"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark/report"
)

var linearAttributionQuery = template.Must(template.New("LinearAttribution").Parse(queries.Get("LinearAttribution")))

// LinearAttribution credits the conversions of an event name to the values
// of a column by the linear model, in ClickHouse's SQL (see
// LinearAttribution.sql): the baseline `waymark bench attribution`
// measures reports against. It answers each value's conversions and
// revenue, most conversions first.
func (s *Store) LinearAttribution(ctx context.Context, project, conversion string, touch report.Field, lookback, sessionGap time.Duration) ([]report.Credit, error) {
	if _, ok := report.Columns[touch]; !ok {
		return nil, fmt.Errorf("linear attribution: %s is not a column", touch)
	}
	var query strings.Builder
	if err := linearAttributionQuery.Execute(&query, struct{ Column string }{string(touch)}); err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(spilling(ctx), query.String(), ch.Named("project", project), ch.Named("conversion", conversion),
		ch.Named("lookback", lookback.Microseconds()), ch.Named("gap", sessionGap.Microseconds()))
	if err != nil {
		return nil, fmt.Errorf("linear attribution: %w", err)
	}
	defer rows.Close()
	var credits []report.Credit
	for rows.Next() {
		var c report.Credit
		if err := rows.Scan(&c.Value, &c.Conversions, &c.Revenue); err != nil {
			return nil, err
		}
		credits = append(credits, c)
	}
	return credits, rows.Err()
}
