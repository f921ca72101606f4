package clickhouse

import (
	"context"
	"fmt"
	"math"
	"strings"
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

// hitsSQL is what the Hits template is executed with.
type hitsSQL struct {
	storage.HitsSQL
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
// fields (report.Query.SplitPersons), and the person fields of q.
func compileHits(q, events *report.Query) (personQuery, error) {
	compiled, params, err := storage.CompileHits(events, &dialect)
	if err != nil {
		return personQuery{}, err
	}
	data := hitsSQL{HitsSQL: compiled, Breakdown: events.Breakdown != "", Revenue: events.Revenue}
	pq := personQuery{layout: hitLayout{revenue: data.Revenue, value: data.Breakdown}}
	for _, f := range q.PersonFields() {
		if key, ok := f.PersonTrait(); ok {
			name := fmt.Sprint("trait", len(pq.traits))
			params = append(params, storage.Param{Name: name, Value: key})
			data.Traits = append(data.Traits, fmt.Sprintf(dialect.Param, name))
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
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if !q.From.IsZero() {
		from = micros(storage.CeilMicro(q.From))
	}
	if !q.To.IsZero() {
		to = micros(storage.CeilMicro(q.To))
	}
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
	events, complete := q.SplitPersons()
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
