package report

import (
	"context"
	"slices"
	"strconv"

	"github.com/waymark-analytics/waymark"
)

// OverviewFromHits computes the overview figures that Reference.Overview
// defines from a Source's hits, person by person: for an engine whose hits
// are faster to read than its rows are to aggregate.
func OverviewFromHits(ctx context.Context, src Source, q OverviewQuery) ([]OverviewRow, error) {
	totals, err := overviewTotals(ctx, src, q)
	if err != nil {
		return nil, err
	}
	rows := []OverviewRow{totals}
	newPersons, err := newPersonsIn(ctx, src, q)
	if err != nil {
		return nil, err
	}
	rows = append(rows, OverviewRow{Kind: OverviewNew, Persons: newPersons})
	if !q.Details {
		return rows, nil
	}
	for _, g := range []struct {
		kind  OverviewKind
		field Field
		only  string // the type of the events the kind counts, if one
	}{
		{OverviewBucket, "", ""},
		{OverviewChannel, "channel", ""},
		{OverviewCampaign, "utm_campaign", ""},
		{OverviewPage, "path", string(waymark.Page)},
		{OverviewEvent, "name", string(waymark.Track)},
	} {
		hq := Query{ProjectID: q.ProjectID, From: q.From, To: q.To, AllEvents: g.only == "", Breakdown: g.field}
		if g.only != "" {
			hq.Touchpoints = []Touchpoint{{Type: g.only}}
		}
		value := func(h *Hit) string { return h.Value }
		if g.kind == OverviewBucket {
			value = func(h *Hit) string { return strconv.FormatInt(int64(h.Time.Sub(q.Origin)/q.Width), 10) }
		}
		groups, err := overviewGroups(ctx, src, hq, value)
		if err != nil {
			return nil, err
		}
		for v, c := range groups {
			rows = append(rows, OverviewRow{Kind: g.kind, Value: v, Events: c.events, Persons: c.persons})
		}
	}
	return rows, ctx.Err()
}

// overviewTotals counts every event of the range, its persons, those who
// did the goal and the revenue.
func overviewTotals(ctx context.Context, src Source, q OverviewQuery) (OverviewRow, error) {
	type tally struct {
		events, persons, conversions int
		revenue                      exactSum
	}
	hq := Query{ProjectID: q.ProjectID, From: q.From, To: q.To, AllEvents: true, Revenue: true}
	if q.Goal != "" {
		hq.Touchpoints = []Touchpoint{{Event: q.Goal}}
	}
	states, err := eachPerson(ctx, src, hq, func() *tally { return &tally{} }, func(t *tally, p *Person) error {
		t.events += len(p.Hits)
		t.persons++
		converted := false
		for i := range p.Hits {
			converted = converted || p.Hits[i].Mask != 0
			if r := p.Hits[i].Revenue; r != 0 {
				t.revenue.Add(r)
			}
		}
		if converted {
			t.conversions++
		}
		return nil
	})
	row := OverviewRow{Kind: OverviewTotal}
	var revenue exactSum
	for _, t := range states {
		row.Events, row.Persons, row.Conversions = row.Events+t.events, row.Persons+t.persons, row.Conversions+t.conversions
		for _, r := range t.revenue.partials {
			revenue.Add(r)
		}
	}
	row.Revenue = revenue.Value()
	return row, err
}

// newPersonsIn counts the persons whose first event ever is in the range.
func newPersonsIn(ctx context.Context, src Source, q OverviewQuery) (int, error) {
	states, err := eachPerson(ctx, src, Query{ProjectID: q.ProjectID, To: q.To, AllEvents: true}, func() *int { return new(int) },
		func(n *int, p *Person) error {
			if !p.Hits[0].Time.Before(q.From) {
				*n++
			}
			return nil
		})
	total := 0
	for _, n := range states {
		total += *n
	}
	return total, err
}

type overviewCount struct{ events, persons int }

// overviewGroups counts the hits of q by the value each has, leaving out
// "", and the persons with a hit of each value.
func overviewGroups(ctx context.Context, src Source, q Query, value func(*Hit) string) (map[string]overviewCount, error) {
	states, err := eachPerson(ctx, src, q, func() map[string]*overviewCount { return map[string]*overviewCount{} },
		func(groups map[string]*overviewCount, p *Person) error {
			var seen []string // a person's values: few
			for i := range p.Hits {
				v := value(&p.Hits[i])
				if v == "" {
					continue
				}
				c := groups[v]
				if c == nil {
					c = &overviewCount{}
					groups[v] = c
				}
				c.events++
				if !slices.Contains(seen, v) {
					seen = append(seen, v)
					c.persons++
				}
			}
			return nil
		})
	merged := map[string]overviewCount{}
	for _, groups := range states {
		for v, c := range groups {
			m := merged[v]
			merged[v] = overviewCount{m.events + c.events, m.persons + c.persons}
		}
	}
	return merged, err
}
