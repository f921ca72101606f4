package storage

import (
	"context"
	"strings"
	"text/template"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// ValuesSQL is what an engine's FieldValues query template is executed
// with: the expression of the event field whose values it counts.
type ValuesSQL struct {
	Value string
}

// CompileValues writes the values query of an event field as the engine's
// FieldValues template; the field's key reaches SQL only as a parameter.
// The engine adds project, event, prefix and limit.
func CompileValues(q *report.ValuesQuery, d *Dialect, valuesTemplate *template.Template) (string, []Param, error) {
	c := hitsCompiler{d: d}
	var query strings.Builder
	if err := valuesTemplate.Execute(&query, ValuesSQL{Value: c.read(q.Field)}); err != nil {
		return "", nil, err
	}
	return query.String(), c.params, nil
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
