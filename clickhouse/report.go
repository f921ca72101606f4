package clickhouse

import (
	"context"
	"fmt"
	"math"
	"text/template"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// dialect is ClickHouse's SQL for storage.CompileHits.
var dialect = storage.Dialect{
	Param:    "@%s",
	Column:   "%s",
	Member:   "%[1]s_texts[indexOf(%[1]s_names, %[2]s)]", // at index 0, where the key is absent, arrays read ''
	Contains: "position(%s, %s) > 0",
	// ClickHouse lets . match a newline, unlike Go. And before running a
	// pattern, it looks for a literal the pattern has outside parentheses,
	// ignoring flags: (?i)abc would not match "ABC". A group around the
	// pattern undoes both. (A literal parenthesis quoted as \Q(\E can still
	// mislead the search for literals.)
	Matches: "match(%s, concat('(?-s:', %s, ')'))",
	In:      "%s IN %s",
	// toFloat64 of a string is not always the nearest float64 on 18.16
	// ("2.47" reads as 2.4699999999999998), but one division of two exact
	// numbers is, and a report.Number has few enough digits for that.
	Number: "toFloat64(toInt64OrZero(replaceOne(%[1]s, '.', ''))) / intExp10(if(position(%[1]s, '.') = 0, 0, length(%[1]s) - position(%[1]s, '.')))",
	Mask:   "toUInt64(%s)",
}

var hitsQuery = template.Must(template.New("Hits").Parse(queries.Get("Hits")))

// Hits implements report.Source.
func (s *Store) Hits(ctx context.Context, q report.Query, fn func(p *report.Person) error) error {
	return storage.PersonHits(ctx, q, s.eventHits, s.persons(), fn)
}

// persons reads what person fields need.
func (s *Store) persons() storage.Persons {
	return storage.Persons{Traits: s.identifyTraits, Acquisitions: s.acquisitions}
}

// eventHits runs a query without person fields.
func (s *Store) eventHits(ctx context.Context, q report.Query, fn func(p *report.Person) error) error {
	query, params, err := storage.CompileHits(&q, &dialect, hitsQuery)
	if err != nil {
		return err
	}
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if !q.From.IsZero() {
		from = micros(storage.CeilMicro(q.From))
	}
	if !q.To.IsZero() {
		to = micros(storage.CeilMicro(q.To))
	}
	args := []any{ch.Named("project", q.ProjectID), ch.Named("from", from), ch.Named("to", to)}
	for _, p := range params {
		if values, ok := p.Value.([]string); ok {
			p.Value = set(values)
		}
		args = append(args, ch.Named(p.Name, p.Value))
	}
	rows, err := s.conn.Query(spilling(ctx), query, args...)
	if err != nil {
		return fmt.Errorf("report hits: %w", err)
	}
	defer rows.Close()
	return storage.StreamHits(rows, func(person *string, h *report.Hit) error {
		var at int64
		err := rows.Scan(person, &at, &h.Seq, &h.Mask, &h.Value, &h.Revenue)
		h.Time = fromMicros(at)
		if !q.Revenue {
			h.Revenue = 0
		}
		return err
	}, fn)
}

// identifyTraits implements storage.Traits.
func (s *Store) identifyTraits(ctx context.Context, project string, fn func(person string, traits []byte) error) error {
	rows, err := s.conn.Query(spilling(ctx), queries.Get("IdentifyTraits"), ch.Named("project", project))
	if err != nil {
		return err
	}
	return storage.ScanTraits(rows, fn)
}

// acquisitions implements storage.Acquisitions.
func (s *Store) acquisitions(ctx context.Context, project string, fn func(person string, a *waymark.Acquisition) error) error {
	rows, err := s.conn.Query(spilling(ctx), queries.Get("Acquisitions"), ch.Named("project", project))
	if err != nil {
		return err
	}
	return storage.ScanAcquisitions(rows, fn)
}
