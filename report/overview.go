package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/waymark-analytics/waymark"
)

// Overview asks for the figures of the overview page: those of a range and
// of the range of the same length just before it. docs/api.md defines
// every number.
type Overview struct {
	From, To time.Time // From <= timestamp < To; see OverviewDays for defaults
	// Goal names the event whose persons count as conversions; without
	// one, nothing does.
	Goal string
	// Interval buckets the series: Hour, Day (the default) or Week.
	Interval Period
	Now      time.Time
}

const (
	// OverviewDays is the range without From: the days up to To, which is
	// Now without To.
	OverviewDays = 30
	// TopLength is the length of each top list.
	TopLength = 10
	// MaxBuckets bounds the series.
	MaxBuckets = 1000
)

// OverviewKind names a group of overview figures.
type OverviewKind string

const (
	OverviewTotal    OverviewKind = "total"    // every event in the range
	OverviewNew      OverviewKind = "new"      // Persons: those whose first event ever is in the range
	OverviewBucket   OverviewKind = "bucket"   // Value: the bucket's index (see OverviewQuery)
	OverviewChannel  OverviewKind = "channel"  // Value: the event's channel
	OverviewCampaign OverviewKind = "campaign" // Value: utm_campaign
	OverviewPage     OverviewKind = "page"     // Value: a page event's path
	OverviewEvent    OverviewKind = "event"    // Value: a track event's name
)

// OverviewQuery is what an engine computes for one range.
type OverviewQuery struct {
	ProjectID string
	From, To  time.Time // From <= timestamp < To, both set
	Goal      string
	// Details asks for buckets and top values besides the totals.
	Details bool
	// Origin and Width make the buckets: an event at t is in bucket
	// floor((t - Origin) / Width). Origin is at or before From.
	Origin time.Time
	Width  time.Duration
}

// OverviewRow is one group of an engine's figures: an OverviewTotal row,
// an OverviewNew row, and with Details a row per bucket and per value of
// each kind of top list that events have (empty values are none). Events
// counts the group's events, Persons their persons, Conversions the
// persons among them who did the goal, Revenue the sum of their revenue; a
// group's row leaves out what its kind does not define.
type OverviewRow struct {
	Kind                         OverviewKind
	Value                        string
	Events, Persons, Conversions int
	Revenue                      float64
}

// OverviewSource computes overview figures: each engine is one, and so is
// Reference.
type OverviewSource interface {
	Overview(ctx context.Context, q OverviewQuery) ([]OverviewRow, error)
}

// OverviewResult is what the overview page shows.
type OverviewResult struct {
	From         time.Time      `json:"from"`
	To           time.Time      `json:"to"`
	PreviousFrom time.Time      `json:"previousFrom"`
	PreviousTo   time.Time      `json:"previousTo"`
	Totals       OverviewTotals `json:"totals"`
	Series       []SeriesPoint  `json:"series"`
	Top          TopLists       `json:"top"`
	Warnings     []string       `json:"warnings"`
}

// OverviewTotals are the headline numbers of the range and the previous one.
type OverviewTotals struct {
	Events      Change[int]     `json:"events"`
	Persons     Change[int]     `json:"persons"`
	NewPersons  Change[int]     `json:"newPersons"`
	Conversions Change[int]     `json:"conversions"`
	Revenue     Change[float64] `json:"revenue"`
}

// Change is a number of the range and of the previous range.
type Change[T int | float64] struct {
	Value    T `json:"value"`
	Previous T `json:"previous"`
}

// SeriesPoint is one bucket of the series; Period is its start.
type SeriesPoint struct {
	Period  time.Time `json:"period"`
	Events  int       `json:"events"`
	Persons int       `json:"persons"`
}

// TopLists are the values with the most persons, of each kind.
type TopLists struct {
	Channels  []TopValue `json:"channels"`
	Campaigns []TopValue `json:"campaigns"`
	Pages     []TopValue `json:"pages"`
	Events    []TopValue `json:"events"`
}

// TopValue is a value of a top list.
type TopValue struct {
	Value   string `json:"value"`
	Persons int    `json:"persons"`
	Events  int    `json:"events"`
}

// RunOverview answers o for the project from src.
func RunOverview(ctx context.Context, src OverviewSource, project string, o Overview) (*OverviewResult, error) {
	if err := o.normalize(); err != nil {
		return nil, err
	}
	length := o.To.Sub(o.From)
	res := &OverviewResult{From: o.From, To: o.To, PreviousFrom: o.From.Add(-length), PreviousTo: o.From, Warnings: []string{}}
	origin := o.Interval.Start(o.From)
	width := o.Interval.width()
	current, err := src.Overview(ctx, OverviewQuery{ProjectID: project, From: o.From, To: o.To, Goal: o.Goal, Details: true, Origin: origin, Width: width})
	if err != nil {
		return nil, err
	}
	previous, err := src.Overview(ctx, OverviewQuery{ProjectID: project, From: res.PreviousFrom, To: res.PreviousTo, Goal: o.Goal})
	if err != nil {
		return nil, err
	}
	for _, r := range previous {
		res.Totals.add(r, true)
	}
	buckets := map[string]SeriesPoint{}
	top := map[OverviewKind][]TopValue{}
	for _, r := range current {
		res.Totals.add(r, false)
		switch r.Kind {
		case OverviewBucket:
			buckets[r.Value] = SeriesPoint{Events: r.Events, Persons: r.Persons}
		case OverviewChannel, OverviewCampaign, OverviewPage, OverviewEvent:
			top[r.Kind] = append(top[r.Kind], TopValue{Value: r.Value, Persons: r.Persons, Events: r.Events})
		}
	}
	for i := 0; origin.Add(time.Duration(i) * width).Before(o.To); i++ {
		p := buckets[strconv.Itoa(i)]
		p.Period = origin.Add(time.Duration(i) * width)
		res.Series = append(res.Series, p)
	}
	res.Top = TopLists{Channels: topValues(top[OverviewChannel]), Campaigns: topValues(top[OverviewCampaign]),
		Pages: topValues(top[OverviewPage]), Events: topValues(top[OverviewEvent])}
	if res.Totals.Events.Value == 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("no events between %s and %s", o.From.Format(time.RFC3339), o.To.Format(time.RFC3339)))
	}
	if o.Goal != "" && res.Totals.Conversions == (Change[int]{}) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("goal %q: no event of that name in this range or the previous one", o.Goal))
	}
	return res, nil
}

func (o *Overview) normalize() error {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	switch o.Interval {
	case "":
		o.Interval = Day
	case Hour, Day, Week:
	default:
		return invalid("interval %q: use hour, day or week", o.Interval)
	}
	if o.To.IsZero() {
		o.To = o.Now
	}
	if o.From.IsZero() {
		o.From = o.To.AddDate(0, 0, -OverviewDays)
	}
	o.From, o.To = o.From.UTC(), o.To.UTC()
	if !o.From.Before(o.To) {
		return invalid("from %s is not before to %s", o.From.Format(time.RFC3339Nano), o.To.Format(time.RFC3339Nano))
	}
	if n := (o.To.Sub(o.Interval.Start(o.From)) + o.Interval.width() - 1) / o.Interval.width(); n > MaxBuckets {
		return invalid("%d %ss are too many for one series, at most %d: use a larger interval or a shorter range", n, o.Interval, MaxBuckets)
	}
	return nil
}

// width is the length of the overview's fixed-length periods.
func (p Period) width() time.Duration {
	switch p {
	case Hour:
		return time.Hour
	case Week:
		return 7 * 24 * time.Hour
	}
	return 24 * time.Hour
}

func (t *OverviewTotals) add(r OverviewRow, previous bool) {
	set := func(c *Change[int], v int) {
		if previous {
			c.Previous = v
		} else {
			c.Value = v
		}
	}
	switch r.Kind {
	case OverviewTotal:
		set(&t.Events, r.Events)
		set(&t.Persons, r.Persons)
		set(&t.Conversions, r.Conversions)
		if previous {
			t.Revenue.Previous = r.Revenue
		} else {
			t.Revenue.Value = r.Revenue
		}
	case OverviewNew:
		set(&t.NewPersons, r.Persons)
	}
}

// topValues sorts values by persons, then events, then value, and keeps
// the first TopLength.
func topValues(values []TopValue) []TopValue {
	slices.SortFunc(values, func(a, b TopValue) int {
		return cmp.Or(cmp.Compare(b.Persons, a.Persons), cmp.Compare(b.Events, a.Events), cmp.Compare(a.Value, b.Value))
	})
	if values == nil {
		return []TopValue{}
	}
	return values[:min(len(values), TopLength)]
}

// Overview implements OverviewSource.
func (r *Reference) Overview(ctx context.Context, q OverviewQuery) ([]OverviewRow, error) {
	type group struct {
		events      int
		persons     map[string]bool
		conversions map[string]bool
		revenue     float64
	}
	type key struct {
		kind  OverviewKind
		value string
	}
	groups := map[key]*group{}
	first := map[string]time.Time{} // each person's first event ever
	in := func(at time.Time) bool { return !at.Before(q.From) && at.Before(q.To) }
	for i := range r.Events {
		e := &r.Events[i]
		if e.ProjectID != q.ProjectID {
			continue
		}
		person := r.PersonOf(e.DistinctID())
		at := e.Timestamp.UTC().Truncate(time.Microsecond)
		if f, ok := first[person]; !ok || at.Before(f) {
			first[person] = at
		}
		if !in(at) {
			continue
		}
		keys := []key{{OverviewTotal, ""}}
		if q.Details {
			keys = append(keys, key{OverviewBucket, strconv.FormatInt(int64(at.Sub(q.Origin)/q.Width), 10)},
				key{OverviewChannel, e.Campaign.Channel}, key{OverviewCampaign, e.Campaign.Name})
			if e.Type == waymark.Page {
				keys = append(keys, key{OverviewPage, e.Page.Path})
			}
			if e.Type == waymark.Track {
				keys = append(keys, key{OverviewEvent, e.Name})
			}
		}
		for _, k := range keys {
			if k.kind != OverviewTotal && k.value == "" {
				continue
			}
			g := groups[k]
			if g == nil {
				g = &group{persons: map[string]bool{}, conversions: map[string]bool{}}
				groups[k] = g
			}
			g.events++
			g.persons[person] = true
			if q.Goal != "" && e.Name == q.Goal {
				g.conversions[person] = true
			}
			if e.Revenue != nil {
				g.revenue += e.Revenue.Amount
			}
		}
	}
	newPersons := 0
	for _, at := range first {
		if in(at) {
			newPersons++
		}
	}
	rows := []OverviewRow{{Kind: OverviewTotal}, {Kind: OverviewNew, Persons: newPersons}}
	for k, g := range groups {
		row := OverviewRow{Kind: k.kind, Value: k.value, Events: g.events, Persons: len(g.persons)}
		if k.kind == OverviewTotal {
			row.Conversions, row.Revenue = len(g.conversions), g.revenue
			rows[0] = row
			continue
		}
		rows = append(rows, row)
	}
	return rows, ctx.Err()
}
