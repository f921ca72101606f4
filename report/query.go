package report

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/waymark-analytics/waymark"
)

// MaxTouchpoints is how many touchpoints one query can tell apart: each is a
// bit of Hit.Mask.
const MaxTouchpoints = 64

// Query is what a report asks of an engine: the events of a project in a
// time range that match any of the touchpoints, grouped by the person they
// resolve to now.
type Query struct {
	ProjectID string
	From, To  time.Time // events with From <= timestamp < To; zero means unbounded
	// Touchpoints[i] sets bit i of a hit's Mask.
	Touchpoints []Touchpoint
	// AllEvents streams every event in the range, matching or not (Mask 0):
	// strict order and sessions need to see what happened in between.
	AllEvents bool
	// Breakdown, if set, is read into every hit's Value.
	Breakdown Field
	// Revenue reads every hit's revenue amount into its Revenue.
	Revenue bool
}

// Validate reports a query an engine cannot run.
func (q *Query) Validate() error {
	if len(q.Touchpoints) > MaxTouchpoints {
		return waymark.Errorf(waymark.KindInvalid, "a report can use at most %d touchpoints, not %d", MaxTouchpoints, len(q.Touchpoints))
	}
	for _, t := range q.Touchpoints {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	if q.Breakdown != "" {
		return q.Breakdown.Validate()
	}
	return nil
}

// Hit is one selected event of a person.
type Hit struct {
	Time  time.Time // UTC, microseconds
	Seq   int64     // storage order: breaks ties between equal times
	Mask  uint64    // bit i: the event is touchpoint i
	Value string    // the breakdown field's value, "" when not set
	// Revenue is the event's revenue amount, when the query reads it; 0
	// when the event has none.
	Revenue float64
}

// Before orders hits by time, then storage order.
func (h *Hit) Before(o *Hit) bool {
	if !h.Time.Equal(o.Time) {
		return h.Time.Before(o.Time)
	}
	return h.Seq < o.Seq
}

// Person is a person's hits in time order.
type Person struct {
	ID   string
	Hits []Hit
}

// Source runs queries: each engine is one, and so is Reference. It calls fn
// once per person with at least one hit, persons in an order of the
// engine's choosing, each person's hits sorted by (Time, Seq). fn may keep
// nothing of p after it returns.
type Source interface {
	Hits(ctx context.Context, q Query, fn func(p *Person) error) error
}

// HitsFunc is a Source's Hits as a function.
type HitsFunc func(ctx context.Context, q Query, fn func(p *Person) error) error

// Reference answers queries from events in memory: the definition every
// engine's Hits must agree with. Events carry the seq of their position.
type Reference struct {
	Events   []waymark.Event // in storage order
	PersonOf func(distinctID string) string
	// SpendImports are the spend imports, in the order they were made.
	SpendImports []SpendImport
}

// Hits implements Source.
func (r *Reference) Hits(ctx context.Context, q Query, fn func(p *Person) error) error {
	if err := q.Validate(); err != nil {
		return err
	}
	profiles := r.Profiles(q.ProjectID, q.PersonFields())
	persons := map[string][]Hit{}
	for i := range r.Events {
		e := &r.Events[i]
		if e.ProjectID != q.ProjectID || (!q.From.IsZero() && e.Timestamp.Before(q.From)) || (!q.To.IsZero() && !e.Timestamp.Before(q.To)) {
			continue
		}
		person := r.PersonOf(e.DistinctID())
		var mask uint64
		for bit, t := range q.Touchpoints {
			if t.Matches(e, profiles[person]) {
				mask |= 1 << bit
			}
		}
		if mask == 0 && !q.AllEvents {
			continue
		}
		h := Hit{Time: micro(e.Timestamp), Seq: int64(i), Mask: mask}
		if q.Breakdown != "" {
			h.Value, _ = q.Breakdown.Value(e, profiles[person])
		}
		if q.Revenue && e.Revenue != nil {
			h.Revenue = e.Revenue.Amount
		}
		persons[person] = append(persons[person], h)
	}
	ids := make([]string, 0, len(persons))
	for id := range persons {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		hits := persons[id]
		slices.SortStableFunc(hits, compareHits)
		if err := fn(&Person{ID: id, Hits: hits}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func compareHits(a, b Hit) int {
	if a.Before(&b) {
		return -1
	}
	if b.Before(&a) {
		return 1
	}
	return 0
}

// Profiles returns the profiles of the project's persons with the person
// fields among fields: a person's current traits from their identify calls
// in time and storage order, and their acquisition from all their events.
// Persons without a value of those fields have no profile.
func (r *Reference) Profiles(project string, fields []Field) map[string]Profile {
	profiles := map[string]Profile{}
	profile := func(person string) Profile {
		if profiles[person] == nil {
			profiles[person] = Profile{}
		}
		return profiles[person]
	}
	if slices.ContainsFunc(fields, func(f Field) bool { _, ok := f.PersonTrait(); return ok }) {
		var identifies []Hit // Seq: the event's position
		for i := range r.Events {
			if e := &r.Events[i]; e.ProjectID == project && e.Type == waymark.Identify {
				identifies = append(identifies, Hit{Time: micro(e.Timestamp), Seq: int64(i)})
			}
		}
		slices.SortStableFunc(identifies, compareHits)
		for _, h := range identifies {
			e := &r.Events[h.Seq]
			profile(r.PersonOf(e.DistinctID())).ApplyTraits(e.Traits, fields)
		}
	}
	if slices.ContainsFunc(fields, func(f Field) bool { _, ok := f.acquisition(); return ok }) {
		for person, events := range r.personEvents(project) {
			a := AcquisitionOf(events)
			profile(person).SetAcquisition(&a, fields)
		}
	}
	maps.DeleteFunc(profiles, func(_ string, p Profile) bool { return len(p) == 0 })
	return profiles
}

// personEvents returns the project's events by the person they resolve to,
// in storage order.
func (r *Reference) personEvents(project string) map[string][]*waymark.Event {
	persons := map[string][]*waymark.Event{}
	for i := range r.Events {
		if e := &r.Events[i]; e.ProjectID == project {
			person := r.PersonOf(e.DistinctID())
			persons[person] = append(persons[person], e)
		}
	}
	return persons
}

// PersonFields returns the person fields q reads, in order of first use.
func (q *Query) PersonFields() []Field {
	var fields []Field
	add := func(f Field) {
		if f.OfPerson() && !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	for _, t := range q.Touchpoints {
		for _, c := range t.Where {
			add(c.Field)
		}
	}
	add(q.Breakdown)
	return fields
}

// SplitPersons is how an engine that selects events without reading person
// fields answers q: it runs events, q without the conditions and breakdown
// on person fields, and passes each person's hits to complete with the
// person's profile. complete clears the bits of touchpoints whose person
// conditions fail, sets the breakdown value, drops hits left without a bit
// unless q.AllEvents, and reports whether any hits are left.
func (q *Query) SplitPersons() (events Query, complete func(p *Person, person Profile) bool) {
	events = *q
	events.Touchpoints = make([]Touchpoint, len(q.Touchpoints))
	personConditions := make([][]Condition, len(q.Touchpoints))
	for i, t := range q.Touchpoints {
		t.Where = nil
		for _, c := range q.Touchpoints[i].Where {
			if c.Field.OfPerson() {
				personConditions[i] = append(personConditions[i], c)
			} else {
				t.Where = append(t.Where, c)
			}
		}
		events.Touchpoints[i] = t
	}
	personBreakdown := q.Breakdown.OfPerson()
	if personBreakdown {
		events.Breakdown = ""
	}
	complete = func(p *Person, person Profile) bool {
		var holds uint64 // bit i: touchpoint i's person conditions hold
		for i, cs := range personConditions {
			if !slices.ContainsFunc(cs, func(c Condition) bool { return !c.Holds(nil, person) }) {
				holds |= 1 << i
			}
		}
		var value string
		if personBreakdown {
			value, _ = q.Breakdown.Value(nil, person)
		}
		kept := p.Hits[:0]
		for _, h := range p.Hits {
			h.Mask &= holds
			if personBreakdown {
				h.Value = value
			}
			if h.Mask != 0 || q.AllEvents {
				kept = append(kept, h)
			}
		}
		p.Hits = kept
		return len(kept) > 0
	}
	return events, complete
}

// Partitioned is a Source that can pass persons to several workers at
// once: fn's calls for one worker never overlap, calls for different
// workers may. Evaluators keep a state per worker and merge them at the
// end, so that a report uses every core.
type Partitioned interface {
	Source
	// Workers is how many workers HitsPartitioned calls, numbered from 0.
	Workers() int
	HitsPartitioned(ctx context.Context, q Query, fn func(worker int, p *Person) error) error
}

// eachPerson runs q on src, passing every person to fn with the state of
// the worker that takes them, made by newState; it returns every worker's
// state for the caller to merge. A source that is not Partitioned has one
// worker.
func eachPerson[S any](ctx context.Context, src Source, q Query, newState func() S, fn func(state S, p *Person) error) ([]S, error) {
	part, ok := src.(Partitioned)
	if !ok {
		state := newState()
		err := src.Hits(ctx, q, func(p *Person) error { return fn(state, p) })
		return []S{state}, err
	}
	states := make([]S, part.Workers())
	for i := range states {
		states[i] = newState()
	}
	err := part.HitsPartitioned(ctx, q, func(worker int, p *Person) error { return fn(states[worker], p) })
	return states, err
}
