package storage

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// Dialect is how an engine's SQL spells what a report query needs. Each
// entry is a format string of SQL expressions.
type Dialect struct {
	Param  string // the placeholder of named parameter %s
	Column string // the value of column %s, '' when absent
	// Member is the text of member %[2]s of JSON column %[1]s (properties
	// or traits), '' when absent: the element of %[1]s_texts at the
	// position of %[2]s in %[1]s_names, the lists report.Members gives,
	// which engines store beside the JSON.
	Member   string
	Contains string // whether %[1]s contains %[2]s
	Matches  string // whether %[1]s matches the regular expression %[2]s, as Go's regexp would
	In       string // whether %[1]s is in the list %[2]s
	Number   string // the float64 of %s, which is a report.Number
	Mask     string // %s, a sum of touchpoint bits, as an unsigned 64-bit integer
}

// HitsSQL is a report.Query in an engine's SQL, for its Hits query: each
// expression written on the stored columns.
type HitsSQL struct {
	// Selects holds on the rows that may be hits: those where the mask
	// has a bit set, or every row when AllEvents.
	Selects   string
	Mask      string
	Value     string // the breakdown field's value, or ''
	AllEvents bool   // keep the events that match no touchpoint
}

// Param is a named query parameter.
type Param struct {
	Name  string
	Value any // a string or a []string
}

// CompileHits validates q and writes it as an engine's SQL. The values of
// the query reach SQL only as the parameters returned; the engine adds
// project, from and to.
func CompileHits(q *report.Query, d *Dialect) (HitsSQL, []Param, error) {
	if err := q.Validate(); err != nil {
		return HitsSQL{}, nil, err
	}
	if len(q.PersonFields()) > 0 {
		return HitsSQL{}, nil, fmt.Errorf("a query of events cannot read person fields: split it with report.Query.SplitPersons")
	}
	c := hitsCompiler{d: d}
	var bits, selects []string
	for i, t := range q.Touchpoints {
		var conditions []string
		for _, cond := range t.Conditions() {
			conditions = append(conditions, c.holds(cond))
		}
		bits = append(bits, fmt.Sprintf("CASE WHEN %s THEN %d ELSE 0 END", all(conditions), uint64(1)<<i))
		selects = append(selects, all(conditions))
	}
	sql := HitsSQL{
		Mask:      fmt.Sprintf(d.Mask, strings.Join(append([]string{"0"}, bits...), " + ")),
		Value:     "''",
		Selects:   "1 = 1",
		AllEvents: q.AllEvents,
	}
	if q.Breakdown != "" {
		sql.Value = c.read(q.Breakdown)
	}
	if !q.AllEvents {
		sql.Selects = "(" + strings.Join(append([]string{"1 = 0"}, selects...), " OR ") + ")"
	}
	return sql, c.params, nil
}

type hitsCompiler struct {
	d      *Dialect
	params []Param
}

// all is the conjunction of conditions; with none, it always holds.
func all(conditions []string) string {
	if len(conditions) == 0 {
		return "1 = 1"
	}
	return strings.Join(conditions, " AND ")
}

// positive is the operator each negative one negates.
var positive = map[report.Op]report.Op{
	report.NotEquals:   report.Equals,
	report.NotContains: report.Contains,
	report.NotIn:       report.In,
	report.IsNotSet:    report.IsSet,
}

// holds is report.Condition.Holds in SQL.
func (c *hitsCompiler) holds(cond report.Condition) string {
	if op, ok := positive[cond.Op]; ok {
		cond.Op = op
		return "NOT " + c.holds(cond)
	}
	v := c.read(cond.Field)
	var test string
	switch cond.Op {
	case report.Equals:
		test = v + " = " + c.param(cond.Value)
	case report.Contains:
		test = fmt.Sprintf(c.d.Contains, v, c.param(cond.Value))
	case report.Matches:
		test = fmt.Sprintf(c.d.Matches, v, c.param(cond.Value))
	case report.In:
		test = fmt.Sprintf(c.d.In, v, c.param(cond.Values))
	case report.Greater, report.GreaterEq, report.Less, report.LessEq:
		test = fmt.Sprintf(c.d.Matches, v, c.param(report.NumberRegex)) + " AND " +
			fmt.Sprintf(c.d.Number, v) + " " + string(cond.Op) + " " + fmt.Sprintf(c.d.Number, c.param(cond.Value))
	case report.IsSet:
		return "(" + v + " <> '')"
	}
	return "(" + v + " <> '' AND " + test + ")"
}

// read is the expression of an event field's value on the stored columns.
func (c *hitsCompiler) read(f report.Field) string {
	if _, column := report.Columns[f]; column {
		return fmt.Sprintf(c.d.Column, string(f)) // report.Columns names the engines' columns
	}
	object, key, _ := f.Object()
	return fmt.Sprintf(c.d.Member, object, c.param(key))
}

// param binds a value to a new parameter and returns its placeholder.
func (c *hitsCompiler) param(value any) string {
	name := fmt.Sprint("p", len(c.params))
	c.params = append(c.params, Param{name, value})
	return fmt.Sprintf(c.d.Param, name)
}

// CeilMicro returns the first microsecond at or after t. Events are stored to
// the microsecond, so a range bound between two microseconds selects what
// the next one does.
func CeilMicro(t time.Time) time.Time {
	if c := t.Truncate(time.Microsecond); c.Before(t) {
		return c.Add(time.Microsecond)
	}
	return t
}

// Traits streams the traits objects of a project's identify calls, each with
// the person its distinct id resolves to now, in time and storage order.
type Traits func(ctx context.Context, project string, fn func(person string, traits []byte) error) error

// ScanTraits passes rows of a person and a traits object to fn, and closes
// them.
func ScanTraits(rows Rows, fn func(person string, traits []byte) error) error {
	defer rows.Close()
	for rows.Next() {
		var person, traits string
		if err := rows.Scan(&person, &traits); err != nil {
			return err
		}
		if err := fn(person, []byte(traits)); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Acquisitions streams every person of a project with their acquisition
// (report.AcquisitionOf), which the engine computes in SQL.
type Acquisitions func(ctx context.Context, project string, fn func(person string, a *waymark.Acquisition) error) error

// ScanAcquisitions passes rows of a person and the acquisition's fields, in
// the order of waymark.Acquisition, to fn, and closes them.
func ScanAcquisitions(rows Rows, fn func(person string, a *waymark.Acquisition) error) error {
	defer rows.Close()
	for rows.Next() {
		var person string
		var a waymark.Acquisition
		if err := rows.Scan(&person, &a.Channel, &a.UTMSource, &a.UTMMedium, &a.UTMCampaign, &a.UTMContent,
			&a.ReferrerHost, &a.LandingPage, &a.FirstSeen); err != nil {
			return err
		}
		if err := fn(person, &a); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Persons is how an engine reads what person fields need: the identify
// calls' traits and every person's acquisition.
type Persons struct {
	Traits       Traits
	Acquisitions Acquisitions
}

// Profiles returns the profiles of the project's persons with the person
// fields among fields, each read only when a field needs it; persons
// without a value of those fields have none.
func (ps Persons) Profiles(ctx context.Context, project string, fields []report.Field) (map[string]report.Profile, error) {
	profiles := map[string]report.Profile{}
	profile := func(person string) report.Profile {
		p := profiles[person]
		if p == nil {
			p = report.Profile{}
			profiles[person] = p
		}
		return p
	}
	traits, acquisition := false, false
	for _, f := range fields {
		_, trait := f.PersonTrait()
		traits = traits || trait
		acquisition = acquisition || (f.OfPerson() && !trait)
	}
	if traits {
		err := ps.Traits(ctx, project, func(person string, object []byte) error {
			profile(person).ApplyTraits(object, fields)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("person traits: %w", err)
		}
	}
	if acquisition {
		err := ps.Acquisitions(ctx, project, func(person string, a *waymark.Acquisition) error {
			profile(person).SetAcquisition(a, fields)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("acquisition: %w", err)
		}
	}
	maps.DeleteFunc(profiles, func(_ string, p report.Profile) bool { return len(p) == 0 })
	return profiles, nil
}
