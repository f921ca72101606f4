package report

import (
	"context"
	"slices"
)

// Outcome is what happened to units at a funnel step.
type Outcome string

const (
	// Reached: the unit did the step.
	Reached Outcome = "reached"
	// Dropped: the unit did the previous required step, not this one, and
	// its window has closed.
	Dropped Outcome = "dropped"
	// Waiting: as Dropped, but the window is still open.
	Waiting Outcome = "in_progress"
)

// Drill picks the persons behind one number of a funnel result.
type Drill struct {
	Step    int     `json:"step"` // from 1
	Outcome Outcome `json:"outcome"`
	// Breakdown, if set, keeps the units of one breakdown value.
	Breakdown *string `json:"breakdown,omitempty"`
	Offset    int     `json:"offset,omitempty"`
	Limit     int     `json:"limit,omitempty"`
}

// PersonsPage is a page of person ids, in ascending order.
type PersonsPage struct {
	Persons []string `json:"persons"`
	Total   int      `json:"total"`
	Offset  int      `json:"offset"`
	Limit   int      `json:"limit"`
}

// DefaultLimit and MaxLimit bound a page of persons.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// FunnelPersons lists the persons with at least one unit of the given
// outcome at the step: for a step's count, drop-off or in-progress number.
// A breakdown's "Other" group is not a value: drill into its values.
func FunnelPersons(ctx context.Context, src Source, project string, f Funnel, d Drill) (*PersonsPage, error) {
	if err := f.normalize(); err != nil {
		return nil, err
	}
	if d.Step < 1 || d.Step > len(f.Steps) {
		return nil, invalid("step %d: the funnel has steps 1 to %d", d.Step, len(f.Steps))
	}
	switch d.Outcome {
	case Reached, Dropped, Waiting:
	default:
		return nil, invalid("outcome %q: use reached, dropped or in_progress", d.Outcome)
	}
	if d.Breakdown != nil && f.Breakdown == nil {
		return nil, invalid("a breakdown value needs a funnel with a breakdown")
	}
	q, p, _ := f.query(project)
	k := d.Step - 1
	workers, err := eachPerson(ctx, src, q, func() *[]string { return new([]string) }, func(matched *[]string, person *Person) error {
		match := false
		p.units(person.Hits, func(hits []Hit, a *attempt) {
			if match || (d.Breakdown != nil && p.breakdownValue(hits, a) != *d.Breakdown) {
				return
			}
			match = p.outcome(hits, a, k) == d.Outcome
		})
		if match {
			*matched = append(*matched, person.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var matched []string
	for _, w := range workers {
		matched = append(matched, *w...)
	}
	return personsPage(matched, d.Offset, d.Limit), nil
}

// personsPage is the page of persons from offset, at most limit of them
// (DefaultLimit when 0, at most MaxLimit).
func personsPage(persons []string, offset, limit int) *PersonsPage {
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit, offset = min(limit, MaxLimit), max(offset, 0)
	// Sources pass persons in any order; pages follow the ids'.
	slices.Sort(persons)
	page := &PersonsPage{Persons: []string{}, Total: len(persons), Offset: offset, Limit: limit}
	if offset < len(persons) {
		page.Persons = append(page.Persons, persons[offset:min(len(persons), offset+limit)]...)
	}
	return page
}

// outcome is what the attempt did at step k, or "" when it never got to
// the step, or k is optional and was skipped.
func (p *plan) outcome(hits []Hit, a *attempt, k int) Outcome {
	if k <= a.last && a.did(k) {
		return Reached
	}
	if p.Steps[k].Optional || p.nextRequired(a.last) != k {
		return ""
	}
	if p.inProgress(hits, a) {
		return Waiting
	}
	return Dropped
}
