package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"text/template"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

var hitsQuery = template.Must(template.New("Hits").Parse(queries.Get("Hits")))

// hitsSQL is what the Hits template is executed with.
type hitsSQL struct {
	touchpointSQL
	Breakdown, Revenue bool
	Traits             []string // the placeholders of the person.KEY fields' keys
	Acquisition        bool     // an acquisition field is read
}

// personQuery is a report query as Hits.sql runs it.
type personQuery struct {
	sql    string
	args   []any
	layout hitLayout
	// Each row has, after the person and their hits, a column per person.KEY
	// field of traits, then, with acquisition, those of a
	// waymark.Acquisition.
	traits      []report.Field
	acquisition bool
}

// compileHits writes Hits.sql for events, the part of q without person
// fields (splitPersons), and the person fields of q.
func compileHits(q, events *report.Query) (personQuery, error) {
	compiled, params := compileTouchpoints(events)
	data := hitsSQL{touchpointSQL: compiled, Breakdown: events.Breakdown != "", Revenue: events.Revenue}
	pq := personQuery{layout: hitLayout{revenue: data.Revenue, value: data.Breakdown}}
	for _, f := range q.PersonFields() {
		if key, ok := f.PersonTrait(); ok {
			name := fmt.Sprint("trait", len(pq.traits))
			params = append(params, storage.Param{Name: name, Value: key})
			data.Traits = append(data.Traits, fmt.Sprintf(fieldDialect.Param, name))
			pq.traits = append(pq.traits, f)
		} else {
			data.Acquisition, pq.acquisition = true, true
		}
	}
	var sql strings.Builder
	if err := hitsQuery.Execute(&sql, data); err != nil {
		return personQuery{}, err
	}
	pq.sql = sql.String()
	from, to := storage.MicroRange(q.From, q.To)
	pq.args = []any{ch.Named("project", q.ProjectID), ch.Named("from", from), ch.Named("to", to)}
	for _, p := range params {
		if values, ok := p.Value.([]string); ok {
			p.Value = set(values)
		}
		pq.args = append(pq.args, ch.Named(p.Name, p.Value))
	}
	return pq, nil
}

// Hits implements report.Source. ClickHouse groups the events by person,
// with the person fields the query reads, so Waymark holds one person at a
// time (see Hits.sql).
func (s *Store) Hits(ctx context.Context, q report.Query, fn func(p *report.Person) error) error {
	if err := q.Validate(); err != nil {
		return err
	}
	events, complete := splitPersons(&q)
	pq, err := compileHits(&q, &events)
	if err != nil {
		return err
	}
	rows, err := s.conn.Query(grouping(ctx), pq.sql, pq.args...)
	if err != nil {
		return fmt.Errorf("report hits: %w", err)
	}
	defer rows.Close()

	var p report.Person
	var packed string
	var buf []packedHit
	traits := make([]string, len(pq.traits))
	var a waymark.Acquisition
	dest := []any{&p.ID, &packed}
	for i := range traits {
		dest = append(dest, &traits[i])
	}
	if pq.acquisition {
		dest = append(dest, &a.Channel, &a.UTMSource, &a.UTMMedium, &a.UTMCampaign, &a.UTMContent, &a.ReferrerHost, &a.LandingPage, &a.FirstSeen)
	}
	fields := q.PersonFields()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("report hits: %w", err)
		}
		if buf, err = pq.layout.unpack(packed, buf[:0]); err != nil {
			return fmt.Errorf("report hits of %s: %w", p.ID, err)
		}
		p.Hits = firstCopies(packed, buf, p.Hits[:0])
		if len(fields) > 0 {
			profile := report.Profile{}
			for i, f := range pq.traits {
				if traits[i] != "" { // the latest value of "" or null unsets a trait
					profile[f] = traits[i]
				}
			}
			if pq.acquisition {
				profile.SetAcquisition(&a, fields)
			}
			if !complete(&p, profile) {
				continue
			}
		}
		if err := fn(&p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// grouping lets the grouping of a report's events by person spill to disk
// instead of failing on the server's memory limit, and has the groups sent
// as they are merged, in blocks of a few thousand persons, rather than as
// one block of every person.
func grouping(ctx context.Context) context.Context {
	return ch.Context(ctx, ch.WithSettings(ch.Settings{
		"group_by_two_level_threshold":             10_000,
		"max_bytes_before_external_group_by":       1 << 30,
		"distributed_aggregation_memory_efficient": 1,
	}))
}
