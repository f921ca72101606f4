package storage

import (
	"context"
	"fmt"
	"strings"
	"text/template"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// FieldDialect is how an engine's SQL reads an event field. Each entry is
// a format string of SQL expressions.
type FieldDialect struct {
	Param  string // the placeholder of named parameter %s
	Column string // the value of column %s, '' when absent
	// Member is the text of member %[2]s of JSON column %[1]s (properties
	// or traits), '' when absent: the element of %[1]s_texts at the
	// position of %[2]s in %[1]s_names, the lists report.Members gives,
	// which engines store beside the JSON.
	Member string
}

// Param is a named query parameter.
type Param struct {
	Name  string
	Value any // a string or a []string
}

// FieldSQL writes event fields in an engine's SQL; the values they need
// reach SQL only as the parameters it collects.
type FieldSQL struct {
	Dialect *FieldDialect
	Params  []Param
}

// Read is the expression of an event field's value on the stored columns.
func (c *FieldSQL) Read(f report.Field) string {
	if _, column := report.Columns[f]; column {
		return fmt.Sprintf(c.Dialect.Column, string(f)) // report.Columns names the engines' columns
	}
	object, key, _ := f.Object()
	return fmt.Sprintf(c.Dialect.Member, object, c.Param(key))
}

// Param binds a value to a new parameter and returns its placeholder.
func (c *FieldSQL) Param(value any) string {
	name := fmt.Sprint("p", len(c.Params))
	c.Params = append(c.Params, Param{name, value})
	return fmt.Sprintf(c.Dialect.Param, name)
}

// ValuesSQL is what an engine's FieldValues query template is executed
// with: the expression of the event field whose values it counts.
type ValuesSQL struct {
	Value string
}

// compileValues writes the values query of an event field as the engine's
// FieldValues template; the field's key reaches SQL only as a parameter.
// The caller adds project, event, prefix and limit.
func compileValues(q *report.ValuesQuery, d *FieldDialect, valuesTemplate *template.Template) (string, []Param, error) {
	c := FieldSQL{Dialect: d}
	var query strings.Builder
	if err := valuesTemplate.Execute(&query, ValuesSQL{Value: c.Read(q.Field)}); err != nil {
		return "", nil, err
	}
	return query.String(), c.Params, nil
}

// EventFieldValues is Store.FieldValues of an event field, q normalized,
// for an engine whose FieldValues template is valuesTemplate (see
// ValuesSQL): its rows are a value and a number of events, in the order of
// the answer.
func EventFieldValues(ctx context.Context, run NamedQuery, valuesTemplate *template.Template, d *FieldDialect, projectID string, q report.ValuesQuery) ([]report.FieldValue, error) {
	query, params, err := compileValues(&q, d, valuesTemplate)
	if err != nil {
		return nil, err
	}
	args := map[string]any{"project": projectID, "event": q.Event, "prefix": q.Prefix, "limit": q.Limit}
	for _, p := range params {
		args[p.Name] = p.Value
	}
	values, err := readAll(ctx, run, query, args,
		func(rows Rows, v *report.FieldValue) error { return rows.Scan(&v.Value, &v.Events) })
	if err != nil {
		return nil, fmt.Errorf("field values: %w", err)
	}
	return values, nil
}

// PersonValues answers a values query on a person field for an engine: it
// counts the persons of each value, over the persons who did the event or
// over every person, reading each person's profile through src as a
// breakdown does.
func PersonValues(ctx context.Context, src report.Source, projectID string, q report.ValuesQuery) ([]report.FieldValue, error) {
	did := report.Touchpoint{Event: q.Event}
	if _, trait := q.Field.PersonTrait(); trait && q.Event == "" {
		// Traits come from identify calls: a person without one has no
		// value to count, so the other events need not be read.
		did.Type = string(waymark.Identify)
	}
	counts := map[string]int64{}
	query := report.Query{ProjectID: projectID, Touchpoints: []report.Touchpoint{did}, Breakdown: q.Field}
	err := src.Hits(ctx, query, func(p *report.Person) error {
		counts[p.Hits[0].Value]++ // TopValues leaves out persons without a value
		return nil
	})
	if err != nil {
		return nil, err
	}
	return report.TopValues(&q, counts, true), nil
}
