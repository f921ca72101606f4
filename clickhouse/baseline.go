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

// BaselineStep is a step of WindowFunnel: events of a type, a name and a
// property's value, each when not empty.
type BaselineStep struct{ Type, Name, Property, Value string }

// WindowFunnel counts the persons of a project who reach each step of an
// ordered funnel within window, with ClickHouse's windowFunnel: reached[k]
// persons did steps 1 to k+1. It is the baseline `waymark bench funnel`
// measures reports against.
func (s *Store) WindowFunnel(ctx context.Context, project string, window time.Duration, steps []BaselineStep) (reached []int64, err error) {
	type indexed struct {
		Index int
		Step  BaselineStep
	}
	var data struct {
		Steps          []indexed
		ByName, ByType bool
	}
	var names, types []string
	args := []any{ch.Named("project", project), ch.Named("window", int64(window/time.Second))}
	for i, step := range steps {
		data.Steps = append(data.Steps, indexed{i, step})
		if step.Name != "" {
			names = append(names, step.Name)
		} else {
			types = append(types, step.Type)
		}
		args = append(args, ch.Named(fmt.Sprint("type", i), step.Type), ch.Named(fmt.Sprint("name", i), step.Name),
			ch.Named(fmt.Sprint("property", i), step.Property), ch.Named(fmt.Sprint("value", i), step.Value))
	}
	data.ByName, data.ByType = len(names) > 0, len(types) > 0
	args = append(args, ch.Named("names", set(names)), ch.Named("types", set(types)))
	var query strings.Builder
	if err := windowFunnelQuery.Execute(&query, data); err != nil {
		return nil, err
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
