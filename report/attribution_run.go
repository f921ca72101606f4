package report

import (
	"cmp"
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"time"
)

// AttributionData is what an attribution report reads: the events, the
// catalog its warnings check, and the ad spend.
type AttributionData interface {
	Dataset
	SpendReader
}

// RunAttribution runs the attribution over the project's events in data,
// with the spend of the touch field's values and the warnings the catalog
// gives. Each person's touches are their sessions of touch events; each
// conversion's journey is the touches after the person's previous
// conversion and within the lookback before it, and the touches after a
// person's last conversion are a journey that did not convert. The
// rule-based models share each conversion among its journey's touches; the
// data-driven ones first learn from every journey in the range how much
// each value adds to converting, then share each conversion the same way.
func RunAttribution(ctx context.Context, data AttributionData, project string, a Attribution) (*AttributionResult, error) {
	if err := a.normalize(); err != nil {
		return nil, err
	}
	q, p, _ := a.query(project)
	workers, err := eachPerson(ctx, data, q, func() *attributionTally { return newAttributionTally(p) }, func(t *attributionTally, person *Person) error {
		p.person(person.Hits, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := workers[0]
	for _, w := range workers[1:] {
		t.merge(w)
	}
	first, end := spendDays(a.From.Time, a.To.Time)
	spend, err := data.Spend(ctx, project, a.Touch, first, end)
	if err != nil {
		return nil, err
	}
	r, err := t.result(spend)
	if err != nil {
		return nil, err
	}
	warnings, err := Warnings(ctx, data, project, a.touchpoints(), a.From.Time, a.To.Time)
	if err != nil {
		return nil, err
	}
	r.Warnings = append(warnings, r.Warnings...)
	return r, nil
}

// touch is one touch of a person: a session of touch events with a value.
type touch struct {
	hit    int // the index of the session's first event with a value
	value  int32
	time   time.Time
	direct bool // that event's channel is Direct
}

// journeyTouch is a touch of a conversion's journey, as the models read it.
type journeyTouch struct {
	value  int32
	age    time.Duration // from the touch to the conversion
	direct bool
}

// conversion is a conversion in the range with a touch, kept until the
// data-driven models have learnt from every journey.
type conversion struct {
	touches []journeyTouch
	revenue float64
	// lead and opportunity are the indexes in touches of w_shaped's
	// milestones, -1 when missing.
	lead, opportunity int
}

// attributionTally collects what the models need from every person.
type attributionTally struct {
	p      *attributionPlan
	ids    map[string]int32
	values []string
	// Per value id.
	touches, customers, leads []int
	toConvert                 [][]float64 // seconds, from the value's first touch
	// The last person counted as a customer, and as a lead, and the last
	// conversion timed, of each value.
	stamp, leadStamp, journeyStamp []int
	person, journeyNo              int

	conversions   []conversion
	conversionsIn int // every conversion in the range, touched or not
	revenue       exactSum
	untouched     struct {
		conversions int
		revenue     exactSum
	}
	toConvertAll []float64
	// transitions counts the moves of journeys between values, from
	// markovStart and into markovConversion or markovNull, for markov.
	transitions map[[2]int32]int
	// sets counts the journeys, and the converted ones, by the set of
	// values they touched (setKey), for shapley.
	sets map[string]*setCount
}

// States of the Markov chain that are no value.
const (
	markovStart      int32 = -1
	markovConversion int32 = -2
	markovNull       int32 = -3
)

type setCount struct{ journeys, converted int }

func newAttributionTally(p *attributionPlan) *attributionTally {
	t := &attributionTally{p: p, ids: map[string]int32{}}
	if slices.Contains(p.Models, Markov) {
		t.transitions = map[[2]int32]int{}
	}
	if slices.Contains(p.Models, Shapley) {
		t.sets = map[string]*setCount{}
	}
	return t
}

// id returns the id of a value, adding it when new.
func (t *attributionTally) id(value string) int32 {
	if id, ok := t.ids[value]; ok {
		return id
	}
	id := int32(len(t.values))
	value = strings.Clone(value) // the engine may reuse the hit's memory
	t.ids[value] = id
	t.values = append(t.values, value)
	t.touches = append(t.touches, 0)
	t.customers = append(t.customers, 0)
	t.leads = append(t.leads, 0)
	t.toConvert = append(t.toConvert, nil)
	t.stamp = append(t.stamp, 0)
	t.leadStamp = append(t.leadStamp, 0)
	t.journeyStamp = append(t.journeyStamp, 0)
	return id
}

// touchesOf returns a person's touches: each session of touch events (no
// gap between consecutive ones longer than the session gap) whose events
// have a value is one, at its first event with a value.
func (p *attributionPlan) touchesOf(hits []Hit, t *attributionTally) []touch {
	var touches []touch
	var last time.Time
	valued := false // the current session has its touch
	for i := range hits {
		h := &hits[i]
		if h.Mask&p.touch == 0 {
			continue
		}
		if last.IsZero() || h.Time.Sub(last) > p.gap {
			valued = false
		}
		last = h.Time
		if !valued && h.Value != "" {
			touches = append(touches, touch{hit: i, value: t.id(h.Value), time: h.Time, direct: h.Mask&p.direct != 0})
			valued = true
		}
	}
	return touches
}

// journeys calls fn for each hit with the bit, with its journey: the
// touches after the previous such hit (at or before this one) that are
// within the lookback before it, and the index of the previous such hit
// (-1 for none). It returns the touches after the last such hit.
func (p *attributionPlan) journeys(hits []Hit, touches []touch, bit uint64, fn func(at, previous int, journey []touch)) []touch {
	previous := -1
	for j := range hits {
		h := &hits[j]
		if h.Mask&bit == 0 {
			continue
		}
		end := 0
		for end < len(touches) && touches[end].hit <= j {
			end++
		}
		start := 0
		for start < end && h.Time.Sub(touches[start].time) > p.lookback {
			start++
		}
		fn(j, previous, touches[start:end])
		touches, previous = touches[end:], j
	}
	return touches
}

// inRange reports whether a conversion or journey at time at counts: the
// query reads up to To, and from a lookback before From.
func (p *attributionPlan) inRange(at time.Time) bool {
	return p.from.IsZero() || !at.Before(p.from)
}

// person adds one person's journeys to the tally.
func (p *attributionPlan) person(hits []Hit, t *attributionTally) {
	touches := p.touchesOf(hits, t)
	t.person++
	rest := p.journeys(hits, touches, p.conversion, func(at, previous int, journey []touch) {
		h := &hits[at]
		if !p.inRange(h.Time) {
			return
		}
		t.conversionsIn++
		t.revenue.Add(h.Revenue)
		if len(journey) == 0 {
			t.untouched.conversions++
			t.untouched.revenue.Add(h.Revenue)
			t.customer(t.id(NoValue))
			return
		}
		c := conversion{revenue: h.Revenue, touches: make([]journeyTouch, len(journey)),
			lead: milestone(hits, journey, previous, at, p.lead), opportunity: milestone(hits, journey, previous, at, p.opportunity)}
		t.journeyNo++
		for i, tc := range journey {
			c.touches[i] = journeyTouch{value: tc.value, age: h.Time.Sub(tc.time), direct: tc.direct}
			t.customer(tc.value)
			if t.journeyStamp[tc.value] != t.journeyNo { // the value's first touch in the journey
				t.journeyStamp[tc.value] = t.journeyNo
				t.toConvert[tc.value] = append(t.toConvert[tc.value], c.touches[i].age.Seconds())
			}
		}
		t.toConvertAll = append(t.toConvertAll, c.touches[0].age.Seconds())
		t.conversions = append(t.conversions, c)
		t.journey(journey, true)
	})
	// The touches after the last conversion, within the lookback before
	// the latest of them, are a journey that has not converted.
	if len(rest) > 0 && p.inRange(rest[len(rest)-1].time) {
		latest := rest[len(rest)-1].time
		for len(rest) > 0 && latest.Sub(rest[0].time) > p.lookback {
			rest = rest[1:]
		}
		t.journey(rest, false)
	}
	if p.lead != 0 {
		p.journeys(hits, touches, p.lead, func(at, _ int, journey []touch) {
			if !p.inRange(hits[at].Time) {
				return
			}
			if len(journey) == 0 {
				t.lead(t.id(NoValue))
			}
			for _, tc := range journey {
				t.lead(tc.value)
			}
		})
	}
}

// milestone returns the index in journey of the last touch at or before
// the first hit with the bit after previous and up to at, or -1.
func milestone(hits []Hit, journey []touch, previous, at int, bit uint64) int {
	if bit == 0 {
		return -1
	}
	for j := previous + 1; j <= at; j++ {
		if hits[j].Mask&bit != 0 {
			last := -1
			for i, tc := range journey {
				if tc.hit <= j {
					last = i
				}
			}
			return last
		}
	}
	return -1
}

// customer counts the current person as a customer of a value, once.
func (t *attributionTally) customer(value int32) {
	if t.stamp[value] != t.person {
		t.stamp[value] = t.person
		t.customers[value]++
	}
}

// lead counts the current person as a lead of a value, once.
func (t *attributionTally) lead(value int32) {
	if t.leadStamp[value] != t.person {
		t.leadStamp[value] = t.person
		t.leads[value]++
	}
}

// journey adds a journey in the range, converted or not, to what the
// data-driven models learn from.
func (t *attributionTally) journey(journey []touch, converted bool) {
	for _, tc := range journey {
		t.touches[tc.value]++
	}
	if t.transitions != nil {
		from := markovStart
		for _, tc := range journey {
			if tc.value != from { // a repeat does not change where a journey ends
				t.transitions[[2]int32{from, tc.value}]++
				from = tc.value
			}
		}
		end := markovNull
		if converted {
			end = markovConversion
		}
		t.transitions[[2]int32{from, end}]++
	}
	if t.sets != nil {
		values := make([]int32, len(journey))
		for i, tc := range journey {
			values[i] = tc.value
		}
		key := setKey(values)
		s := t.sets[key]
		if s == nil {
			s = &setCount{}
			t.sets[key] = s
		}
		s.journeys++
		if converted {
			s.converted++
		}
	}
}

// setKey is the key of a set of value ids: the distinct ids in order, four
// bytes each.
func setKey(values []int32) string {
	distinct := slices.Clone(values)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	b := make([]byte, 0, 4*len(distinct))
	for _, v := range distinct {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return string(b)
}

// setIDs returns the ids of a setKey.
func setIDs(key string) []int32 {
	ids := make([]int32, len(key)/4)
	for i := range ids {
		ids[i] = int32(binary.LittleEndian.Uint32([]byte(key[4*i:])))
	}
	return ids
}

// merge adds what another worker's tally collected, of other persons.
func (t *attributionTally) merge(o *attributionTally) {
	ids := make([]int32, len(o.values)) // o's id -> t's
	for id, v := range o.values {
		ids[id] = t.id(v)
		t.touches[ids[id]] += o.touches[id]
		t.customers[ids[id]] += o.customers[id]
		t.leads[ids[id]] += o.leads[id]
		t.toConvert[ids[id]] = append(t.toConvert[ids[id]], o.toConvert[id]...)
	}
	for _, c := range o.conversions {
		for i := range c.touches {
			c.touches[i].value = ids[c.touches[i].value]
		}
		t.conversions = append(t.conversions, c)
	}
	t.conversionsIn += o.conversionsIn
	t.revenue.merge(&o.revenue)
	t.untouched.conversions += o.untouched.conversions
	t.untouched.revenue.merge(&o.untouched.revenue)
	t.toConvertAll = append(t.toConvertAll, o.toConvertAll...)
	for edge, n := range o.transitions {
		for k, s := range edge {
			if s >= 0 {
				edge[k] = ids[s]
			}
		}
		t.transitions[edge] += n
	}
	for key, c := range o.sets {
		values := setIDs(key)
		for i, v := range values {
			values[i] = ids[v]
		}
		key = setKey(values)
		if t.sets[key] == nil {
			t.sets[key] = &setCount{}
		}
		t.sets[key].journeys += c.journeys
		t.sets[key].converted += c.converted
	}
}

// result computes the models and builds the answer.
func (t *attributionTally) result(spend []SpendRow) (*AttributionResult, error) {
	t.sortValues()
	p := t.p
	r := &AttributionResult{Conversions: t.conversionsIn, Revenue: t.revenue.Value(), Touched: len(t.conversions),
		TimeToConvert: summarize(t.toConvertAll), Models: map[Model][]Credit{}, Warnings: []string{}}

	// Spend by value; values with spend and no touch are listed too.
	spendOf := map[string]*exactSum{}
	var spendAll exactSum
	for _, s := range spend {
		if spendOf[s.Value] == nil {
			spendOf[s.Value] = &exactSum{}
		}
		spendOf[s.Value].Add(s.Amount)
		spendAll.Add(s.Amount)
	}
	if len(spend) > 0 {
		r.Spend = ptr(spendAll.Value())
	}
	// The values listed: those the range's journeys, leads or customers
	// have, and those with spend. A value seen only outside the range,
	// such as in the lookback of a conversion before it, is not.
	var names []string
	for id, name := range t.values {
		if t.touches[id] > 0 || t.customers[id] > 0 || t.leads[id] > 0 || spendOf[name] != nil {
			names = append(names, name)
		}
	}
	for v := range spendOf {
		if _, ok := t.ids[v]; !ok {
			names = append(names, v)
		}
	}
	slices.Sort(names)

	for _, name := range names {
		v := ValueResult{Value: name}
		if id, ok := t.ids[name]; ok {
			v.Touches, v.Customers, v.TimeToConvert = t.touches[id], t.customers[id], summarize(t.toConvert[id])
			if p.lead != 0 {
				v.Leads = ptr(t.leads[id])
			}
		} else {
			v.TimeToConvert = summarize(nil)
			if p.lead != 0 {
				v.Leads = ptr(0)
			}
		}
		if s := spendOf[name]; s != nil {
			v.Spend = ptr(s.Value())
		}
		r.Values = append(r.Values, v)
	}
	slices.SortStableFunc(r.Values, func(a, b ValueResult) int {
		return cmp.Or(cmp.Compare(b.Customers, a.Customers), cmp.Compare(deref(b.Leads), deref(a.Leads)), cmp.Compare(b.Touches, a.Touches))
	})

	credits, warnings, err := t.credit()
	if err != nil {
		return nil, err
	}
	r.Warnings = append(r.Warnings, warnings...)
	for _, m := range p.Models {
		list := make([]Credit, 0, len(names))
		for _, name := range names {
			c := Credit{Value: name}
			if id, ok := t.ids[name]; ok {
				c.Conversions, c.Revenue = credits[m][id].conversions.Value(), credits[m][id].revenue.Value()
			}
			if s := spendOf[name]; s != nil {
				amount := s.Value()
				if c.Conversions > 0 {
					c.CostPerConversion = ptr(amount / c.Conversions)
				}
				if amount > 0 {
					c.ROAS = ptr(c.Revenue / amount)
				}
			}
			list = append(list, c)
		}
		slices.SortStableFunc(list, func(a, b Credit) int {
			return cmp.Or(cmp.Compare(b.Conversions, a.Conversions), cmp.Compare(b.Revenue, a.Revenue))
		})
		r.Models[m] = list
	}
	return r, nil
}

// sortValues renumbers the values in the order of their text, so that the
// models compute in the same order whatever order the persons came in.
func (t *attributionTally) sortValues() {
	order := make([]int32, len(t.values)) // new id -> old id
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(t.values[a], t.values[b]) })
	renumber := make([]int32, len(order)) // old id -> new id
	for n, old := range order {
		renumber[old] = int32(n)
	}
	move := func(s []int) []int {
		out := make([]int, len(s))
		for n, old := range order {
			out[n] = s[old]
		}
		return out
	}
	t.touches, t.customers, t.leads = move(t.touches), move(t.customers), move(t.leads)
	toConvert, values := make([][]float64, len(order)), make([]string, len(order))
	for n, old := range order {
		toConvert[n], values[n] = t.toConvert[old], t.values[old]
		t.ids[values[n]] = int32(n)
	}
	t.toConvert, t.values = toConvert, values
	for i := range t.conversions {
		for j := range t.conversions[i].touches {
			tc := &t.conversions[i].touches[j]
			tc.value = renumber[tc.value]
		}
	}
	if t.transitions != nil {
		moved := make(map[[2]int32]int, len(t.transitions))
		for edge, n := range t.transitions {
			for k, s := range edge {
				if s >= 0 {
					edge[k] = renumber[s]
				}
			}
			moved[edge] = n
		}
		t.transitions = moved
	}
	if t.sets != nil {
		moved := make(map[string]*setCount, len(t.sets))
		for key, s := range t.sets {
			ids := setIDs(key)
			for i, id := range ids {
				ids[i] = renumber[id]
			}
			moved[setKey(ids)] = s
		}
		t.sets = moved
	}
}

func ptr[T any](v T) *T { return &v }

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// spendDays returns the days whose spend an attribution over [from, to)
// reads: those that overlap the range, first <= day < end; zero bounds
// are open.
func spendDays(from, to time.Time) (first, end time.Time) {
	if !from.IsZero() {
		first = Day.Start(from)
	}
	if !to.IsZero() {
		end = Day.Start(to)
		if !end.Equal(to) {
			end = end.AddDate(0, 0, 1)
		}
	}
	return first, end
}
