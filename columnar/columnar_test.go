package columnar

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
	"github.com/waymark-analytics/waymark/report"
)

// store is a source in memory: the events in storage order (seq is the
// position) and the identity graph they make.
type store struct {
	events []waymark.Event
	graph  *identity.Graph
}

func (s *store) LastSeq(context.Context) (int64, error) { return int64(len(s.events)) - 1, nil }

func (s *store) EventsBetween(ctx context.Context, project string, after, through int64, fn func(int64, *waymark.Event) error) error {
	for seq := after + 1; seq <= through && seq < int64(len(s.events)); seq++ {
		if e := &s.events[seq]; e.ProjectID == project {
			if err := fn(seq, e); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *store) MergedIdentities(ctx context.Context, project string, fn func(string, string) error) error {
	for _, r := range s.graph.Rows() {
		if r.DistinctID != r.PersonID {
			if err := fn(r.DistinctID, r.PersonID); err != nil {
				return err
			}
		}
	}
	return nil
}

// write stores events and commits them to x, as an engine does.
func (s *store) write(t *testing.T, x *Index, events ...waymark.Event) {
	t.Helper()
	before := map[string]string{}
	for _, e := range s.events {
		before[e.DistinctID()] = s.graph.Person(e.DistinctID())
	}
	var seqs []int64
	var written []Committed
	for _, e := range events {
		seqs = append(seqs, int64(len(s.events)))
		s.events = append(s.events, e)
		if link, ok := identity.LinkOf(&e); ok {
			s.graph.Apply(link)
		}
	}
	for i := range events {
		written = append(written, *committed(seqs[i], &s.events[seqs[i]]))
	}
	assigned := map[string]string{}
	for _, e := range s.events {
		id := e.DistinctID()
		if now := s.graph.Person(id); before[id] != now {
			assigned[id] = now
		}
		for _, other := range []string{e.UserID, e.AnonymousID, e.PreviousID} {
			if other != "" && s.graph.Person(other) != other && before[other] != s.graph.Person(other) {
				assigned[other] = s.graph.Person(other)
			}
		}
	}
	if err := x.Commit(context.Background(), "p", written, assigned); err != nil {
		t.Fatal(err)
	}
}

var t0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

func randomEvents(rng *rand.Rand, n int) []waymark.Event {
	var events []waymark.Event
	for i := range n {
		e := waymark.Event{ProjectID: "p", MessageID: fmt.Sprint(i), Type: waymark.Track,
			Name: []string{"Home", "Signed Up", "Buy"}[rng.IntN(3)], AnonymousID: fmt.Sprint("a", rng.IntN(12)),
			Timestamp:  t0.Add(time.Duration(rng.IntN(3600)) * time.Second),
			Properties: json.RawMessage(fmt.Sprintf(`{"plan":%q}`, []string{"free", "pro"}[rng.IntN(2)]))}
		if rng.IntN(6) == 0 {
			e.Type, e.Name, e.UserID = waymark.Identify, "", fmt.Sprint("u", rng.IntN(4))
			e.Traits = json.RawMessage(fmt.Sprintf(`{"tier":%q}`, []string{"gold", "silver"}[rng.IntN(2)]))
		}
		events = append(events, e)
	}
	return events
}

// query is a mix of what reports ask: names, properties, traits, a range
// and a breakdown.
var query = report.Query{ProjectID: "p", From: t0.Add(10 * time.Minute), Breakdown: "person.tier",
	Touchpoints: []report.Touchpoint{
		{Event: "Signed Up"},
		{Event: "Buy", Where: []report.Condition{{Field: "properties.plan", Op: report.Equals, Value: "pro"}}},
		{Where: []report.Condition{{Field: "person.tier", Op: report.Equals, Value: "gold"}}},
	}}

func hits(t *testing.T, src report.Source) string {
	t.Helper()
	var persons []string
	err := src.Hits(context.Background(), query, func(p *report.Person) error {
		var b strings.Builder
		b.WriteString(p.ID)
		for _, h := range p.Hits {
			fmt.Fprintf(&b, " %s/%b/%s", h.Time.Format("15:04:05"), h.Mask, h.Value)
		}
		persons = append(persons, b.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(persons)
	return strings.Join(persons, "\n")
}

func open(t *testing.T, dir string, src Source, mergeRows int) *Index {
	t.Helper()
	x, err := Open(context.Background(), dir, src, []string{"p"}, Options{MergeRows: mergeRows})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestIndexAgreesWithReference writes in batches, merging every few rows,
// restarts, and damages the files, checking the index against the
// reference after each step.
func TestIndexAgreesWithReference(t *testing.T) {
	for name, chunk := range map[string]int{"one scanner": 0, "scanners in parallel": 2} {
		t.Run(name, func(t *testing.T) {
			if chunk > 0 {
				defer func(c, p int) { chunkPersons, parallelPersons = c, p }(chunkPersons, parallelPersons)
				chunkPersons, parallelPersons = chunk, 0
			}
			testAgreesWithReference(t)
		})
	}
}

func testAgreesWithReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := &store{graph: identity.NewGraph()}
	ref := func() string { return hits(t, &report.Reference{Events: src.events, PersonOf: src.graph.Person}) }
	dir := t.TempDir()
	x := open(t, dir, src, 17)
	events := randomEvents(rng, 600)
	for len(events) > 0 {
		n := min(len(events), 1+rng.IntN(40))
		src.write(t, x, events[:n]...)
		events = events[n:]
		if got, want := hits(t, x), ref(); got != want {
			t.Fatalf("after %d events:\n got %s\nwant %s", len(src.events), got, want)
		}
	}
	steps := []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"restart", func(*testing.T, string) {}},
		{"a column cut short", func(t *testing.T, dir string) { truncate(t, dir, "time.i64") }},
		{"a dict cut short", func(t *testing.T, dir string) { truncate(t, dir, "persons.dict") }},
		{"meta.json lost", func(t *testing.T, dir string) { remove(t, dir, "meta.json") }},
		{"current names a lost generation", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "..", "current"), []byte("999\n"), 0o600)
		}},
	}
	for _, step := range steps {
		x.Close()
		step.damage(t, currentDir(t, dir))
		x = open(t, dir, src, 17)
		if got, want := hits(t, x), ref(); got != want {
			t.Fatalf("%s:\n got %s\nwant %s", step.name, got, want)
		}
		src.write(t, x, randomEvents(rng, 30)...) // and it goes on
		if got, want := hits(t, x), ref(); got != want {
			t.Fatalf("%s, then writes:\n got %s\nwant %s", step.name, got, want)
		}
	}
	x.Close()
}

func currentDir(t *testing.T, dir string) string {
	t.Helper()
	projects, _ := filepath.Glob(filepath.Join(dir, "p-*"))
	if len(projects) != 1 {
		t.Fatalf("project dirs %v", projects)
	}
	b, err := os.ReadFile(filepath.Join(projects[0], "current"))
	if err != nil {
		t.Fatal(err)
	}
	var gen int
	fmt.Sscan(string(b), &gen)
	return filepath.Join(projects[0], generationDir(gen))
}

func truncate(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.Truncate(filepath.Join(dir, name), 3); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}
