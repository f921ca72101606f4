package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"text/template"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

var windowFunnelQuery = template.Must(template.New("WindowFunnel").Parse(queries.Get("WindowFunnel")))

// WindowFunnel counts the persons of a project who reach each step of an
// ordered funnel of event names within window, with ClickHouse's
// windowFunnel: reached[k] persons did steps 1 to k+1. It is the baseline
// `waymark bench funnel` measures reports against.
func (s *Store) WindowFunnel(ctx context.Context, project string, window time.Duration, steps []string) (reached []int64, err error) {
	var query strings.Builder
	indexes := make([]int, len(steps))
	for i := range steps {
		indexes[i] = i
	}
	if err := windowFunnelQuery.Execute(&query, indexes); err != nil {
		return nil, err
	}
	args := []any{ch.Named("project", project), ch.Named("window", int64(window/time.Second)), ch.Named("steps", set(steps))}
	for i, step := range steps {
		args = append(args, ch.Named(fmt.Sprint("step", i), step))
	}
	rows, err := s.conn.Query(spilling(ctx), query.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("windowFunnel: %w", err)
	}
	defer rows.Close()
	reached = make([]int64, len(steps))
	for rows.Next() {
		var level uint8
		var persons uint64
		if err := rows.Scan(&level, &persons); err != nil {
			return nil, err
		}
		for k := range int(level) {
			reached[k] += int64(persons)
		}
	}
	return reached, rows.Err()
}
