package storagetest

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// testCatalogReference writes random events of two projects, some sent
// twice, and demands the schema catalog the reference gives: the same
// names, keys and counts, with duplicates counted once, before and after
// the store is opened anew.
func testCatalogReference(t *testing.T, open Opener, seed uint64) {
	ctx := context.Background()
	s := open(t)
	empty, err := s.EventNames(ctx, "p")
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("a new store's event names = %v, %v; want an empty list", empty, err)
	}
	rng := rand.New(rand.NewPCG(seed, 17))
	graph := identity.NewGraph()
	ref := &report.Reference{PersonOf: graph.Person}
	stored := map[string]bool{}
	for _, batch := range randomHitEvents(rng, 500) {
		for i := range batch {
			e := batch[i]
			if stored[e.ProjectID+"/"+e.MessageID] {
				continue
			}
			stored[e.ProjectID+"/"+e.MessageID] = true
			if link, ok := identity.LinkOf(&e); ok && e.ProjectID == "p" {
				graph.Apply(link)
			}
			ref.Events = append(ref.Events, e)
		}
		write(t, s, batch...)
	}
	compareCatalogs(t, s, ref, rng)
	s.Close()
	compareCatalogs(t, open.Must(t), ref, rng)
}

func compareCatalogs(t *testing.T, s storage.Store, ref *report.Reference, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	for _, project := range []string{"p", "other", "none"} {
		same(t, "event names of "+project, s.EventNames, ref.EventNames, project)
	}
	// Persons only of p: the reference merges the ids of p alone.
	same(t, "trait keys", s.TraitKeys, ref.TraitKeys, "p")
	filters := []report.EventKind{{}, {Type: "page"}, {Name: "Buy"}, {Type: "track", Name: "Buy"}, {Type: "identify"}, {Name: "nothing"}}
	for _, f := range filters {
		got, err := s.PropertyKeys(ctx, "p", f)
		want, _ := ref.PropertyKeys(ctx, "p", f)
		equalJSON(t, "property keys of "+f.Type+"/"+f.Name, got, err, want)
	}
	fields := append([]report.Field{"name", "type", "channel", "path", "properties.plan", "properties.n", "properties.deep",
		"traits.plan", "person.plan", "person.title", "properties.missing"}, report.AcquisitionFields()...)
	for range 60 {
		q := report.ValuesQuery{Field: pick(rng, fields), Event: pick(rng, []string{"", "", "Buy", "Home", "caf\u00e9", "none"}),
			Prefix: pick(rng, []string{"", "", "p", "P", "g", "2026", "/b", "x"}), Limit: pick(rng, []int{0, 1, 3})}
		got, err := s.FieldValues(ctx, "p", q)
		want, _ := ref.FieldValues(ctx, "p", q)
		b, _ := json.Marshal(q)
		equalJSON(t, "values "+string(b), got, err, want)
	}
	if _, err := s.FieldValues(ctx, "p", report.ValuesQuery{Field: "nope"}); waymark.ErrorKind(err) != waymark.KindInvalid {
		t.Errorf("values of an unknown field: err = %v, want invalid", err)
	}
}

// same demands that a store and the reference answer alike for a project.
func same[T any](t *testing.T, what string, got, want func(context.Context, string) (T, error), project string) {
	t.Helper()
	g, err := got(context.Background(), project)
	w, _ := want(context.Background(), project)
	equalJSON(t, what, g, err, w)
}

func equalJSON(t *testing.T, what string, got any, err error, want any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("%s:\n got %s\nwant %s", what, a, b)
	}
}
