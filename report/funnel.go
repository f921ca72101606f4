package report

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/waymark-analytics/waymark"
)

// Order is how a funnel's steps must follow each other.
type Order string

const (
	// Ordered steps come in order; other events may happen in between.
	Ordered Order = "ordered"
	// Strict steps come in order with nothing else in between.
	Strict Order = "strict"
	// AnyOrder counts the steps done within the window, in any order.
	AnyOrder Order = "any"
)

// CountBy is the unit a funnel counts.
type CountBy string

const (
	// ByPersons counts each person once, by their furthest attempt.
	ByPersons CountBy = "persons"
	// ByTotals counts every attempt: after one ends, the next entry starts
	// another.
	ByTotals CountBy = "totals"
	// BySessions counts each session (a run of events without a gap longer
	// than SessionGap) once, by its furthest attempt inside it.
	BySessions CountBy = "sessions"
)

// Period is a calendar bucket of time, in UTC; weeks start on Monday.
type Period string

const (
	Hour  Period = "hour"
	Day   Period = "day"
	Week  Period = "week"
	Month Period = "month"
)

// Start returns the start of the period holding t.
func (p Period) Start(t time.Time) time.Time {
	t = t.UTC()
	if p == Hour {
		return t.Truncate(time.Hour)
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch p {
	case Week:
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return day
}

// Funnel is a funnel report's definition. docs/reports.md gives its exact
// semantics.
type Funnel struct {
	Steps []Step `json:"steps"`
	// Window is the longest time from entering the first step to the last.
	Window     Duration    `json:"window,omitempty"`
	Order      Order       `json:"order,omitempty"`
	Exclusions []Exclusion `json:"exclusions,omitempty"`
	CountBy    CountBy     `json:"countBy,omitempty"`
	SessionGap Duration    `json:"sessionGap,omitempty"`
	// From and To bound when units enter the first step; later steps may
	// follow up to Window after To. Zero means unbounded.
	From Time `json:"from,omitzero"`
	To   Time `json:"to,omitzero"`
	// Where filters every step's events.
	Where     []Condition `json:"where,omitempty"`
	Breakdown *Breakdown  `json:"breakdown,omitempty"`
	Trend     Period      `json:"trend,omitempty"`
	// Now is when the report is run: units whose window has not closed by
	// then are in progress. Zero means the current time.
	Now time.Time `json:"-"`
}

// Step is a funnel step: any of its touchpoints does it.
type Step struct {
	Name        string       `json:"name,omitempty"`
	Touchpoints []Touchpoint `json:"touchpoints"`
	// Optional steps may be skipped; the first and last may not.
	Optional bool `json:"optional,omitempty"`
	// Window, if set, is the longest time from the previous step done.
	Window Duration `json:"window,omitempty"`
}

// Exclusion ends an attempt that does the touchpoint after doing step After
// and before doing step Before (step numbers count from 1).
type Exclusion struct {
	Touchpoint Touchpoint `json:"touchpoint"`
	After      int        `json:"after"`
	Before     int        `json:"before"`
}

// Breakdown splits a funnel by a field's value at one step of each unit's
// attempt: "first" (the entry, by default), "last" (the furthest step done)
// or a step number; units that did not do that step have the value "(none)".
// The Top values by units entered are kept; the rest are "Other".
type Breakdown struct {
	Field Field  `json:"field"`
	At    string `json:"at,omitempty"`
	Top   int    `json:"top,omitempty"`
}

// Defaults of a funnel definition.
const (
	DefaultWindow     = Duration(30 * 24 * time.Hour)
	DefaultSessionGap = Duration(30 * time.Minute)
	DefaultTop        = 10
	MinSteps          = 2
	MaxSteps          = 20 // at most 32: attempt.go keeps sets of steps in a uint32
)

// normalize fills defaults and validates.
func (f *Funnel) normalize() error {
	if f.Window == 0 {
		f.Window = DefaultWindow
	}
	if f.Order == "" {
		f.Order = Ordered
	}
	if f.CountBy == "" {
		f.CountBy = ByPersons
	}
	if f.SessionGap == 0 {
		f.SessionGap = DefaultSessionGap
	}
	if f.Now.IsZero() {
		f.Now = time.Now().UTC()
	}
	if f.Breakdown != nil {
		if f.Breakdown.At == "" {
			f.Breakdown.At = "first"
		}
		if f.Breakdown.Top <= 0 {
			f.Breakdown.Top = DefaultTop
		}
	}
	return f.validate()
}

func invalid(format string, args ...any) error {
	return waymark.Errorf(waymark.KindInvalid, format, args...)
}

func (f *Funnel) validate() error {
	n := len(f.Steps)
	if n < MinSteps || n > MaxSteps {
		return invalid("a funnel has %d to %d steps, not %d", MinSteps, MaxSteps, n)
	}
	switch f.Order {
	case Ordered, Strict, AnyOrder:
	default:
		return invalid("order %q: use ordered, strict or any", f.Order)
	}
	switch f.CountBy {
	case ByPersons, ByTotals, BySessions:
	default:
		return invalid("countBy %q: use persons, totals or sessions", f.CountBy)
	}
	switch f.Trend {
	case "", Day, Week, Month:
	default:
		return invalid("trend %q: use day, week or month", f.Trend)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To.Time) {
		return invalid("from must be before to")
	}
	if err := errors.Join(f.Window.check("window"), f.SessionGap.check("sessionGap")); err != nil {
		return err
	}
	for i, s := range f.Steps {
		if err := s.Window.check(fmt.Sprintf("step %d: window", i+1)); err != nil {
			return err
		}
		if len(s.Touchpoints) == 0 {
			return invalid("step %d has no touchpoints", i+1)
		}
		if s.Optional && (i == 0 || i == n-1) {
			return invalid("step %d: the first and last steps cannot be optional", i+1)
		}
		if f.Order == AnyOrder && (s.Optional || s.Window != 0) {
			return invalid("step %d: optional steps and step windows need ordered or strict order", i+1)
		}
	}
	for _, x := range f.Exclusions {
		if f.Order == AnyOrder {
			return invalid("exclusions need ordered or strict order")
		}
		if x.After < 1 || x.Before <= x.After || x.Before > n {
			return invalid("exclusion between steps %d and %d: need 1 <= after < before <= %d", x.After, x.Before, n)
		}
	}
	for _, c := range f.Where {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	if b := f.Breakdown; b != nil {
		if err := b.Field.Validate(); err != nil {
			return err
		}
		if b.At != "first" && b.At != "last" {
			if k, err := strconv.Atoi(b.At); err != nil || k < 1 || k > n {
				return invalid("breakdown at %q: use first, last or a step number from 1 to %d", b.At, n)
			}
		}
	}
	_, _, err := f.query("")
	return err
}

// plan is a funnel compiled for evaluation: the query to run and which
// mask bits mean which step or exclusion.
type plan struct {
	*Funnel
	steps      []uint64 // steps[k]: bits of step k's touchpoints
	anySteps   uint64   // bits of every step's touchpoints
	exclusions []uint64
	// before[k]: bit j if step j may be the last one done before step k
	// (the previous required step and the optional ones after it).
	before []uint32
	// justPast[k]: bits of the steps an attempt at step k may do next,
	// after k up to the next required step.
	justPast []uint64
	// excludedAt[k]: bits of the exclusions that end an attempt whose
	// furthest step done is k.
	excludedAt []uint64
	at         int // breakdown step index; -1 first, -2 last
}

// query returns the engine query of the funnel in project, and its plan.
func (f *Funnel) query(project string) (Query, *plan, error) {
	q := Query{ProjectID: project, AllEvents: f.Order == Strict || f.CountBy == BySessions}
	p := &plan{Funnel: f, at: -1}
	add := func(t Touchpoint) uint64 {
		q.Touchpoints = append(q.Touchpoints, t)
		return 1 << (len(q.Touchpoints) - 1)
	}
	for _, s := range f.Steps {
		var mask uint64
		for _, t := range s.Touchpoints {
			t.Where = append(t.Where[:len(t.Where):len(t.Where)], f.Where...)
			mask |= add(t)
		}
		p.steps = append(p.steps, mask)
		p.anySteps |= mask
	}
	for _, x := range f.Exclusions {
		p.exclusions = append(p.exclusions, add(x.Touchpoint))
	}
	p.before = make([]uint32, len(f.Steps))
	p.justPast = make([]uint64, len(f.Steps))
	p.excludedAt = make([]uint64, len(f.Steps))
	for k := range f.Steps {
		for j := k - 1; j >= 0; j-- {
			p.before[k] |= 1 << j
			p.justPast[j] |= p.steps[k]
			if j == 0 || !f.Steps[j].Optional {
				break
			}
		}
		for x, e := range f.Exclusions {
			if k >= e.After-1 && k < e.Before-1 {
				p.excludedAt[k] |= p.exclusions[x]
			}
		}
	}
	if !f.From.IsZero() {
		q.From = f.From.Time
	}
	if !f.To.IsZero() {
		q.To = f.To.Add(time.Duration(f.Window))
	}
	if b := f.Breakdown; b != nil {
		q.Breakdown = b.Field
		switch b.At {
		case "first":
		case "last":
			p.at = -2
		default:
			k, _ := strconv.Atoi(b.At)
			p.at = k - 1
		}
	}
	return q, p, q.Validate()
}
