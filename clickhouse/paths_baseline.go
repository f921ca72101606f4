package clickhouse

import (
	"context"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// PathCount is the persons at a node of a step (To is empty) or on the
// edge from node From at Step to node To at the next step.
type PathCount struct {
	Step     int
	From, To string
	Persons  int64
}

// PathCounts counts the persons on each node and edge of the paths of a
// project from each person's first event of type startType (named
// startLabel when it has no name), steps nodes deep, the nodes being event
// names with repeats in a row collapsed, by hand with ClickHouse's array
// functions. It is the baseline `waymark bench paths` measures paths
// reports against.
func (s *Store) PathCounts(ctx context.Context, project, startType, startLabel string, steps int) ([]PathCount, error) {
	rows, err := s.conn.Query(spilling(ctx), queries.Get("PathCounts"), ch.Named("project", project),
		ch.Named("startType", startType), ch.Named("startLabel", startLabel), ch.Named("steps", steps))
	if err != nil {
		return nil, fmt.Errorf("path counts: %w", err)
	}
	defer rows.Close()
	var counts []PathCount
	for rows.Next() {
		var c PathCount
		var step int64
		var persons uint64
		if err := rows.Scan(&step, &c.From, &c.To, &persons); err != nil {
			return nil, err
		}
		c.Step, c.Persons = int(step), int64(persons)
		counts = append(counts, c)
	}
	return counts, rows.Err()
}
