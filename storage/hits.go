package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/waymark-analytics/waymark/report"
)

// Dialect is how an engine's SQL spells what a report query needs. Each
// entry is a format string of SQL expressions.
type Dialect struct {
	Param    string // the placeholder of named parameter %s
	Column   string // the value of column %s, '' when absent
	Member   string // the text of member %[2]s of JSON column %[1]s, '' when absent (see HitsSQL.Objects)
	Contains string // whether %[1]s contains %[2]s
	Matches  string // whether %[1]s matches the regular expression %[2]s, as Go's regexp would
	In       string // whether %[1]s is in the list %[2]s
	Number   string // the float64 of %s, which is a report.Number
	Mask     string // %s, a sum of touchpoint bits, as an unsigned 64-bit integer
}

// HitsSQL is what an engine's Hits query template is executed with: a
// report.Query as expressions that read the fields the query uses, one column
// each, then the mask and the breakdown value from those columns.
type HitsSQL struct {
	// Objects are the JSON columns the fields read members of. The template
	// reads each object's top-level members with the regular expressions of
	// json.go, parameters json_object, json_escapes, json_lone_surrogate,
	// json_member_name and json_member_value, into lists OBJECT_names and
	// OBJECT_texts for Dialect.Member: the names decoded, the values as
	// report.Field.Value reads them.
	Objects []Object
	Fields  []Column // field0, field1, ...: each field's value, '' when not set
	// Selects is a condition on the stored columns that every row the query
	// returns meets: it narrows the scan before fields are read.
	Selects   string
	Mask      string
	Value     string // the breakdown field's column, or ''
	AllEvents bool   // keep the events that match no touchpoint
	params    []Param
}

// Column is an expression and its name.
type Column struct{ Name, SQL string }

// Object is a JSON column whose members a query reads.
type Object struct {
	Name string
	// Needed is a condition on the stored columns: only rows where it holds
	// can have a member value that matters. Reading members by regular
	// expressions costs far more than testing columns, so engines that can
	// skip work per row read them only where Needed holds.
	Needed string
}

// Param is a named query parameter.
type Param struct {
	Name  string
	Value any // a string or a []string
}

// CompileHits validates q and writes it as an engine's SQL: the engine's
// Hits query template, executed with the HitsSQL of q. The values of the
// query reach SQL only as the parameters returned; the engine adds project,
// from and to.
func CompileHits(q *report.Query, d *Dialect, hitsTemplate *template.Template) (string, []Param, error) {
	if err := q.Validate(); err != nil {
		return "", nil, err
	}
	if len(q.PersonKeys()) > 0 {
		return "", nil, fmt.Errorf("a query of events cannot read person traits: split it with report.Query.SplitPersons")
	}
	c := hitsCompiler{d: d, fields: map[report.Field]string{}}
	var bits, anyColumns []string
	needed := map[string][]string{} // object -> conditions of rows that need it
	for i, t := range q.Touchpoints {
		var conditions, columns []string
		var objects []string
		for _, cond := range t.Conditions() {
			conditions = append(conditions, c.holds(cond))
			if object, _, ok := cond.Field.Object(); ok {
				objects = append(objects, object)
			} else {
				columns = append(columns, c.holdsOnColumns(cond))
			}
		}
		bits = append(bits, fmt.Sprintf("CASE WHEN %s THEN %d ELSE 0 END", all(conditions), uint64(1)<<i))
		anyColumns = append(anyColumns, all(columns))
		for _, object := range objects {
			needed[object] = append(needed[object], all(columns))
		}
	}
	c.sql.Mask = fmt.Sprintf(d.Mask, strings.Join(append([]string{"0"}, bits...), " + "))
	c.sql.Value = "''"
	if q.Breakdown != "" {
		c.sql.Value = c.field(q.Breakdown)
		if object, _, ok := q.Breakdown.Object(); ok {
			// The value matters wherever the mask may be set, or everywhere.
			needed[object] = append(needed[object], anyColumns...)
			if q.AllEvents || len(anyColumns) == 0 {
				needed[object] = append(needed[object], "1 = 1")
			}
		}
	}
	c.sql.Selects = "1 = 1"
	if !q.AllEvents {
		c.sql.Selects = "(" + strings.Join(append([]string{"1 = 0"}, anyColumns...), " OR ") + ")"
	}
	for i, o := range c.sql.Objects {
		c.sql.Objects[i].Needed = "(" + strings.Join(needed[o.Name], " OR ") + ")"
	}
	c.sql.AllEvents = q.AllEvents
	if len(c.sql.Objects) > 0 {
		c.sql.params = append(c.sql.params,
			Param{"json_object", JSONObject},
			Param{"json_escapes", JSONEscapes},
			Param{"json_lone_surrogate", JSONLoneSurrogate},
			Param{"json_member_name", JSONMemberName},
			Param{"json_member_value", JSONMemberValue})
	}
	var query strings.Builder
	if err := hitsTemplate.Execute(&query, c.sql); err != nil {
		return "", nil, err
	}
	return query.String(), c.sql.params, nil
}

type hitsCompiler struct {
	d      *Dialect
	sql    HitsSQL
	fields map[report.Field]string // field -> column name
	inline bool                    // field returns a column's expression
}

// all is the conjunction of conditions; with none, it always holds.
func all(conditions []string) string {
	if len(conditions) == 0 {
		return "1 = 1"
	}
	return strings.Join(conditions, " AND ")
}

// holdsOnColumns is holds for a condition on a stored column, written on
// the column itself rather than on a field of the query.
func (c *hitsCompiler) holdsOnColumns(cond report.Condition) string {
	c.inline = true
	defer func() { c.inline = false }()
	return c.holds(cond)
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
	v := c.field(cond.Field)
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

// field returns the column holding f's value, adding it on first use.
func (c *hitsCompiler) field(f report.Field) string {
	_, column := report.Columns[f]
	if column && c.inline {
		return fmt.Sprintf(c.d.Column, string(f))
	}
	if name, ok := c.fields[f]; ok {
		return name
	}
	var sql string
	if column {
		sql = fmt.Sprintf(c.d.Column, string(f)) // report.Columns names the engines' columns
	} else {
		object, key, _ := f.Object()
		if !slices.ContainsFunc(c.sql.Objects, func(o Object) bool { return o.Name == object }) {
			c.sql.Objects = append(c.sql.Objects, Object{Name: object})
		}
		sql = fmt.Sprintf(c.d.Member, object, c.param(key))
	}
	name := fmt.Sprint("field", len(c.sql.Fields))
	c.sql.Fields = append(c.sql.Fields, Column{name, sql})
	c.fields[f] = name
	return name
}

// param binds a value to a new parameter and returns its placeholder.
func (c *hitsCompiler) param(value any) string {
	name := fmt.Sprint("p", len(c.sql.params))
	c.sql.params = append(c.sql.params, Param{name, value})
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

// StreamHits passes hits that rows return sorted by person to fn, one
// person at a time, reusing one report.Person. scan reads the current row.
func StreamHits(rows interface {
	Next() bool
	Err() error
}, scan func(person *string, h *report.Hit) error, fn func(p *report.Person) error) error {
	var p report.Person
	var person string
	for rows.Next() {
		var h report.Hit
		if err := scan(&person, &h); err != nil {
			return err
		}
		if person != p.ID && len(p.Hits) > 0 {
			if err := fn(&p); err != nil {
				return err
			}
			p.Hits = p.Hits[:0]
		}
		p.ID = person
		p.Hits = append(p.Hits, h)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(p.Hits) == 0 {
		return nil
	}
	return fn(&p)
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

// PersonHits answers q for an engine whose events query reads no person
// traits: events runs the event part of q (see report.Query.SplitPersons),
// and traits gives the persons' current traits, kept in memory for the keys
// q reads only.
func PersonHits(ctx context.Context, q report.Query, events report.HitsFunc, traits Traits, fn func(*report.Person) error) error {
	keys := q.PersonKeys()
	if len(keys) == 0 {
		return events(ctx, q, fn)
	}
	if err := q.Validate(); err != nil {
		return err
	}
	persons, err := currentTraits(ctx, q.ProjectID, keys, traits)
	if err != nil {
		return err
	}
	eventQuery, complete := q.SplitPersons()
	return events(ctx, eventQuery, func(p *report.Person) error {
		if !complete(p, persons[p.ID]) {
			return nil
		}
		return fn(p)
	})
}
