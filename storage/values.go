package storage

import (
	"context"
	"strings"
	"text/template"

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
// counts the persons of each value among all persons with a profile or,
// for an event name, among the persons events finds with such an event.
func PersonValues(ctx context.Context, projectID string, q report.ValuesQuery, events report.HitsFunc, persons Persons) ([]report.FieldValue, error) {
	profiles, err := persons.Profiles(ctx, projectID, []report.Field{q.Field})
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	count := func(profile report.Profile) {
		v, _ := q.Field.Value(nil, profile)
		counts[v]++
	}
	if q.Event == "" {
		for _, profile := range profiles {
			count(profile)
		}
		return report.TopValues(&q, counts, true), nil
	}
	did := report.Query{ProjectID: projectID, Touchpoints: []report.Touchpoint{{Event: q.Event}}}
	err = events(ctx, did, func(p *report.Person) error {
		count(profiles[p.ID])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return report.TopValues(&q, counts, true), nil
}
