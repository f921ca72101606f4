package report

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"
)

// RunFunnel runs the funnel over the project's events in data, with the
// warnings the catalog gives for its touchpoints and range.
func RunFunnel(ctx context.Context, data Dataset, project string, f Funnel) (*FunnelResult, error) {
	if err := f.normalize(); err != nil {
		return nil, err
	}
	q, p, _ := f.query(project)
	type tallies struct {
		all    *tally
		groups map[string]*tally
	}
	workers, err := eachPerson(ctx, data, q, func() tallies { return tallies{&tally{}, map[string]*tally{}} }, func(t tallies, person *Person) error {
		p.units(person.Hits, func(hits []Hit, a *attempt) {
			t.all.add(p, hits, a)
			if p.Breakdown != nil {
				v := p.breakdownValue(hits, a)
				if t.groups[v] == nil {
					t.groups[v] = &tally{}
				}
				t.groups[v].add(p, hits, a)
			}
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	all, groups := workers[0].all, workers[0].groups
	for _, w := range workers[1:] {
		all.merge(w.all)
		for v, t := range w.groups {
			if groups[v] == nil {
				groups[v] = &tally{}
			}
			groups[v].merge(t)
		}
	}
	r := all.result(p)
	if p.Breakdown != nil {
		r.Breakdown = p.topGroups(groups)
	}
	if r.Warnings, err = Warnings(ctx, data, project, f.touchpoints(), f.From.Time, f.To.Time); err != nil {
		return nil, err
	}
	return &r, nil
}

// touchpoints returns every touchpoint of the funnel's steps and
// exclusions.
func (f *Funnel) touchpoints() []Touchpoint {
	var ts []Touchpoint
	for _, s := range f.Steps {
		ts = append(ts, s.Touchpoints...)
	}
	for _, x := range f.Exclusions {
		ts = append(ts, x.Touchpoint)
	}
	return ts
}

// units calls fn with each counted unit's attempt: the person's best, each
// session's best, or every attempt in turn.
func (p *plan) units(hits []Hit, fn func(hits []Hit, a *attempt)) {
	switch p.CountBy {
	case ByPersons:
		if a, ok := p.best(hits); ok {
			fn(hits, &a)
		}
	case BySessions:
		start := 0
		for i := 1; i <= len(hits); i++ {
			if i == len(hits) || hits[i].Time.Sub(hits[i-1].Time) > time.Duration(p.SessionGap) {
				if a, ok := p.best(hits[start:i]); ok {
					fn(hits[start:i], &a)
				}
				start = i
			}
		}
	case ByTotals:
		ahead := p.lookahead(hits)
		for i := 0; i < len(hits); i++ {
			if p.entry(&hits[i]) {
				last, at := p.furthest(hits, i, ahead, -1)
				a := p.attempt(hits, i, last, at)
				fn(hits, &a)
				i = a.end
			}
		}
	}
}

// inProgress reports whether an attempt that has not converted may still:
// its window is open at Now.
func (p *plan) inProgress(hits []Hit, a *attempt) bool {
	return !p.converted(a) && hits[a.entry].Time.Add(time.Duration(p.Window)).After(p.Now)
}

// breakdownValue is the unit's breakdown value at the chosen step.
func (p *plan) breakdownValue(hits []Hit, a *attempt) string {
	k := p.at
	switch k {
	case -1:
		k = 0
	case -2:
		k = a.last
	}
	if k > a.last || a.done[k] < 0 {
		return NoValue
	}
	if v := hits[a.done[k]].Value; v != "" {
		return v
	}
	return NoValue
}

// Group names in breakdowns.
const (
	NoValue     = "(none)"
	OtherValues = "Other"
)

// topGroups keeps the Top groups with the most units entered, then by
// value, and sums the rest into Other.
func (p *plan) topGroups(groups map[string]*tally) []Group {
	values := make([]string, 0, len(groups))
	for v := range groups {
		values = append(values, v)
	}
	slices.SortFunc(values, func(a, b string) int {
		return cmp.Or(cmp.Compare(groups[b].units, groups[a].units), cmp.Compare(a, b))
	})
	var out []Group
	other := &tally{}
	for i, v := range values {
		if i < p.Breakdown.Top {
			out = append(out, Group{Value: v, FunnelResult: groups[v].result(p)})
		} else {
			other.merge(groups[v])
		}
	}
	if other.units > 0 {
		out = append(out, Group{Value: OtherValues, FunnelResult: other.result(p)})
	}
	return out
}

// tally adds up units.
type tally struct {
	units, converted, inProgress int
	count                        []int       // units that did step k
	stuck                        []int       // in-progress units whose next required step is k
	fromPrevious, fromFirst      [][]float64 // seconds, per step
	trend                        map[time.Time]*TrendPoint
}

func (t *tally) add(p *plan, hits []Hit, a *attempt) {
	n := len(p.steps)
	if t.count == nil {
		t.count, t.stuck = make([]int, n), make([]int, n)
		t.fromPrevious, t.fromFirst = make([][]float64, n), make([][]float64, n)
	}
	t.units++
	converted, inProgress := p.converted(a), p.inProgress(hits, a)
	if converted {
		t.converted++
	} else if inProgress {
		t.inProgress++
		t.stuck[p.nextRequired(a.last)]++
	}
	prev := 0
	for k := 0; k <= a.last; k++ {
		if !a.did(k) {
			continue
		}
		t.count[k]++
		t.fromFirst[k] = append(t.fromFirst[k], a.times[k].Sub(a.times[0]).Seconds())
		if k > 0 {
			t.fromPrevious[k] = append(t.fromPrevious[k], a.times[k].Sub(a.times[prev]).Seconds())
		}
		prev = k
	}
	if p.Trend != "" {
		if t.trend == nil {
			t.trend = map[time.Time]*TrendPoint{}
		}
		start := p.Trend.Start(hits[a.entry].Time)
		point := t.trend[start]
		if point == nil {
			point = &TrendPoint{Period: start}
			t.trend[start] = point
		}
		point.Entered++
		if converted {
			point.Converted++
		}
	}
}

func (t *tally) merge(o *tally) {
	if o.count == nil { // it added nothing
		return
	}
	if t.count == nil {
		*t = tally{count: slices.Clone(o.count), stuck: slices.Clone(o.stuck),
			fromPrevious: make([][]float64, len(o.count)), fromFirst: make([][]float64, len(o.count))}
	} else {
		for k := range t.count {
			t.count[k] += o.count[k]
			t.stuck[k] += o.stuck[k]
		}
	}
	t.units += o.units
	t.converted += o.converted
	t.inProgress += o.inProgress
	for k := range o.count {
		t.fromPrevious[k] = append(t.fromPrevious[k], o.fromPrevious[k]...)
		t.fromFirst[k] = append(t.fromFirst[k], o.fromFirst[k]...)
	}
	for start, point := range o.trend {
		if t.trend == nil {
			t.trend = map[time.Time]*TrendPoint{}
		}
		if t.trend[start] == nil {
			t.trend[start] = &TrendPoint{Period: start}
		}
		t.trend[start].Entered += point.Entered
		t.trend[start].Converted += point.Converted
	}
}

func (t *tally) result(p *plan) FunnelResult {
	n := len(p.steps)
	if t.count == nil {
		t.count, t.stuck = make([]int, n), make([]int, n)
		t.fromPrevious, t.fromFirst = make([][]float64, n), make([][]float64, n)
	}
	r := FunnelResult{Entered: t.units, Converted: t.converted, InProgress: t.inProgress, Conversion: ratio(t.converted, t.units)}
	previous := 0
	for k, s := range p.Steps {
		step := StepResult{
			Name: p.stepName(k), Optional: s.Optional, Count: t.count[k],
			ConversionFromFirst: ratio(t.count[k], t.units),
			FromPrevious:        summarize(t.fromPrevious[k]),
			FromFirst:           summarize(t.fromFirst[k]),
		}
		if k == 0 {
			step.ConversionFromPrevious = ratio(t.count[0], t.units)
		} else {
			step.ConversionFromPrevious = ratio(t.count[k], t.count[previous])
			if !s.Optional {
				step.InProgress = t.stuck[k]
				step.DropOff = t.count[previous] - t.count[k] - t.stuck[k]
			}
		}
		if !s.Optional {
			previous = k
		}
		r.Steps = append(r.Steps, step)
	}
	r.TimeToConvert = r.Steps[n-1].FromFirst
	for _, point := range t.trend {
		point.Conversion = ratio(point.Converted, point.Entered)
		r.Trend = append(r.Trend, *point)
	}
	slices.SortFunc(r.Trend, func(a, b TrendPoint) int { return a.Period.Compare(b.Period) })
	return r
}

func (p *plan) stepName(k int) string {
	s := p.Steps[k]
	if s.Name != "" {
		return s.Name
	}
	return s.Touchpoints[0].String()
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// summarize gives the average, median and 90th percentile of durations in
// seconds, and their histogram. The median of an even count is the mean of
// the two middle values; the 90th percentile is the smallest value with at
// least 90 % of the values at or below it. The average sums whole
// microseconds in 128 bits, which is exact however many long durations
// there are, so it does not depend on the order in which a source passed
// the persons; selection instead of a sort keeps it linear.
func summarize(seconds []float64) Durations {
	d := Durations{Count: len(seconds), Histogram: make([]Bucket, len(histogramBounds))}
	for i, b := range histogramBounds {
		d.Histogram[i] = Bucket{Label: b.label, Below: b.below}
	}
	if len(seconds) == 0 {
		return d
	}
	var micros microsSum
	for _, s := range seconds {
		micros.Add(int64(math.Round(s * 1e6)))
		for i, b := range histogramBounds {
			if b.below == 0 || s < b.below {
				d.Histogram[i].Count++
				break
			}
		}
	}
	n := len(seconds)
	d.Average = micros.Value() / 1e6 / float64(n)
	values := slices.Clone(seconds)
	d.Median = (nth(values, (n-1)/2) + nth(values, n/2)) / 2
	d.P90 = nth(values, int(math.Ceil(0.9*float64(n)))-1)
	return d
}

// nth returns the k-th smallest of values, reordering them.
func nth(values []float64, k int) float64 {
	lo, hi := 0, len(values)-1
	for lo < hi {
		pivot := values[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for values[i] < pivot {
				i++
			}
			for values[j] > pivot {
				j--
			}
			if i <= j {
				values[i], values[j] = values[j], values[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return values[k]
		}
	}
	return values[k]
}

type bound struct {
	label string
	below float64 // seconds; 0 for the last, open bucket
}

var histogramBounds = []bound{
	{"< 1m", 60}, {"1m–5m", 300}, {"5m–15m", 900}, {"15m–1h", 3600}, {"1h–4h", 4 * 3600},
	{"4h–1d", 86400}, {"1d–3d", 3 * 86400}, {"3d–7d", 7 * 86400}, {"7d–30d", 30 * 86400}, {"≥ 30d", 0},
}
