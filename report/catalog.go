package report

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
)

// The schema catalog: what a project's events are called and carry, with
// counts, so that people building a report can find the names, keys and
// values it can use, and warnings can tell a misspelt name from one that
// had no events. Reference defines every number; engines keep a summary
// that their writes maintain, so that the lists of event names and
// property keys are fast on any amount of data.

// EventName counts a project's events of one type and name. Page and
// screen events without a name have the name "".
type EventName struct {
	Type      string    `json:"type"`
	Name      string    `json:"name"`
	Events    int64     `json:"events"`
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
}

// PropertyKey counts the events whose properties have a top-level key.
type PropertyKey struct {
	Key    string `json:"key"`
	Events int64  `json:"events"`
}

// TraitKey counts the persons who sent a trait with a value (not null or
// "") in an identify call.
type TraitKey struct {
	Key     string `json:"key"`
	Persons int64  `json:"persons"`
}

// FieldValue counts a value of a field: the events that have it, or for a
// person field the persons.
type FieldValue struct {
	Value   string `json:"value"`
	Events  int64  `json:"events,omitempty"`
	Persons int64  `json:"persons,omitempty"`
}

// EventKind picks events by type and name, for the catalog and event
// lists; empty parts pick every event.
type EventKind struct {
	Type, Name string
}

func (f EventKind) picks(e *waymark.Event) bool {
	return (f.Type == "" || string(e.Type) == f.Type) && (f.Name == "" || e.Name == f.Name)
}

// ValuesQuery asks for the most common values of a field among a project's
// events, or among the events of one name; for a person field, among the
// persons (who did an event of that name).
type ValuesQuery struct {
	Field Field
	Event string // the event name, or "" for all events
	// Prefix keeps the values that start with it, ignoring case.
	Prefix string
	Limit  int
}

// Limits of a ValuesQuery.
const (
	DefaultValues = 20
	MaxValues     = 100
)

// Normalize fills in the default limit and validates.
func (q *ValuesQuery) Normalize() error {
	if q.Field == "" {
		return invalid("values need a field, such as channel, properties.plan or person.plan")
	}
	if err := q.Field.Validate(); err != nil {
		return err
	}
	if q.Limit == 0 {
		q.Limit = DefaultValues
	}
	if q.Limit < 1 || q.Limit > MaxValues {
		return invalid("limit %d: ask for 1 to %d values", q.Limit, MaxValues)
	}
	return nil
}

// Keep reports whether a value is listed: set, and starting with the
// prefix in any case.
func (q *ValuesQuery) Keep(value string) bool {
	return value != "" && strings.HasPrefix(strings.ToLower(value), strings.ToLower(q.Prefix))
}

// Catalog is what warnings read of a project's data.
type Catalog interface {
	// EventNames lists every (type, name) of the project's events, most
	// events first (see SortEventNames).
	EventNames(ctx context.Context, projectID string) ([]EventName, error)
}

// Dataset is what a report reads: the events, and the catalog that its
// warnings check the report against.
type Dataset interface {
	Source
	Catalog
}

// SortEventNames puts event names in the order catalogs list them: most
// events first, then by type and name.
func SortEventNames(names []EventName) {
	slices.SortFunc(names, func(a, b EventName) int {
		return cmp.Or(cmp.Compare(b.Events, a.Events), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name))
	})
}

// SortPropertyKeys puts keys most used first, then by key.
func SortPropertyKeys(keys []PropertyKey) {
	slices.SortFunc(keys, func(a, b PropertyKey) int {
		return cmp.Or(cmp.Compare(b.Events, a.Events), cmp.Compare(a.Key, b.Key))
	})
}

// SortTraitKeys puts keys most used first, then by key.
func SortTraitKeys(keys []TraitKey) {
	slices.SortFunc(keys, func(a, b TraitKey) int {
		return cmp.Or(cmp.Compare(b.Persons, a.Persons), cmp.Compare(a.Key, b.Key))
	})
}

// TopValues counts values (of events, or of persons when persons is set)
// and returns the most common that q keeps, ties by value, at most q.Limit.
func TopValues(q *ValuesQuery, counts map[string]int64, persons bool) []FieldValue {
	values := []FieldValue{}
	for v, n := range counts {
		if !q.Keep(v) {
			continue
		}
		fv := FieldValue{Value: v, Events: n}
		if persons {
			fv = FieldValue{Value: v, Persons: n}
		}
		values = append(values, fv)
	}
	slices.SortFunc(values, func(a, b FieldValue) int {
		return cmp.Or(cmp.Compare(b.Events+b.Persons, a.Events+a.Persons), cmp.Compare(a.Value, b.Value))
	})
	return values[:min(len(values), q.Limit)]
}

// EventNames implements Catalog.
func (r *Reference) EventNames(ctx context.Context, projectID string) ([]EventName, error) {
	byName := map[[2]string]*EventName{}
	for i := range r.Events {
		e := &r.Events[i]
		if e.ProjectID != projectID {
			continue
		}
		at := micro(e.Timestamp)
		n := byName[[2]string{string(e.Type), e.Name}]
		if n == nil {
			n = &EventName{Type: string(e.Type), Name: e.Name, FirstSeen: at, LastSeen: at}
			byName[[2]string{string(e.Type), e.Name}] = n
		}
		n.Events++
		n.FirstSeen, n.LastSeen = MinTime(n.FirstSeen, at), MaxTime(n.LastSeen, at)
	}
	names := []EventName{}
	for _, n := range byName {
		names = append(names, *n)
	}
	SortEventNames(names)
	return names, ctx.Err()
}

// PropertyKeys lists the top-level property keys of the project's events
// that the filter picks, with the number of events that have each, most
// used first.
func (r *Reference) PropertyKeys(ctx context.Context, projectID string, filter EventKind) ([]PropertyKey, error) {
	counts := map[string]int64{}
	for i := range r.Events {
		if e := &r.Events[i]; e.ProjectID == projectID && filter.picks(e) {
			names, _ := Members(e.Properties)
			for _, key := range names {
				counts[key]++
			}
		}
	}
	keys := []PropertyKey{}
	for key, n := range counts {
		keys = append(keys, PropertyKey{Key: key, Events: n})
	}
	SortPropertyKeys(keys)
	return keys, ctx.Err()
}

// TraitKeys lists the trait keys of the project's identify calls, with the
// number of persons who sent each with a value, most first.
func (r *Reference) TraitKeys(ctx context.Context, projectID string) ([]TraitKey, error) {
	persons := map[string]map[string]bool{} // key -> persons
	for i := range r.Events {
		e := &r.Events[i]
		if e.ProjectID != projectID || e.Type != waymark.Identify {
			continue
		}
		names, texts := Members(e.Traits)
		for k, key := range names {
			if texts[k] == "" {
				continue
			}
			if persons[key] == nil {
				persons[key] = map[string]bool{}
			}
			persons[key][r.PersonOf(e.DistinctID())] = true
		}
	}
	keys := []TraitKey{}
	for key, who := range persons {
		keys = append(keys, TraitKey{Key: key, Persons: int64(len(who))})
	}
	SortTraitKeys(keys)
	return keys, ctx.Err()
}

// FieldValues lists the most common values of a field: of an event field,
// among the project's events (of the name q.Event); of a person field,
// among the persons (who did an event of that name).
func (r *Reference) FieldValues(ctx context.Context, projectID string, q ValuesQuery) ([]FieldValue, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	if q.Field.OfPerson() {
		profiles := r.Profiles(projectID, []Field{q.Field})
		for person, events := range r.personEvents(projectID) {
			if q.Event == "" || slices.ContainsFunc(events, func(e *waymark.Event) bool { return e.Name == q.Event }) {
				v, _ := q.Field.Value(nil, profiles[person])
				counts[v]++
			}
		}
		return TopValues(&q, counts, true), ctx.Err()
	}
	for i := range r.Events {
		if e := &r.Events[i]; e.ProjectID == projectID && (q.Event == "" || e.Name == q.Event) {
			v, _ := q.Field.Value(e, nil)
			counts[v]++
		}
	}
	return TopValues(&q, counts, false), ctx.Err()
}

// Fields lists what conditions and breakdowns can read besides keys of
// properties, traits and person traits: the columns, by name, and the
// acquisition fields, with their kinds.
func Fields() []FieldKind {
	var fields []FieldKind
	for _, f := range slices.Sorted(maps.Keys(Columns)) {
		fields = append(fields, FieldKind{Field: f, Kind: "column"})
	}
	for _, f := range AcquisitionFields() {
		fields = append(fields, FieldKind{Field: f, Kind: "acquisition"})
	}
	return fields
}

// FieldKind is a field and what kind of field it is: "column" (of the
// event) or "acquisition" (of its person).
type FieldKind struct {
	Field Field  `json:"field"`
	Kind  string `json:"kind"`
}
