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
	"sync"
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

func (s *store) MaxSeq(context.Context) (int64, error) { return int64(len(s.events)) - 1, nil }

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

// reference is what the index over s must answer.
func (s *store) reference() *report.Reference {
	return &report.Reference{Events: s.events, PersonOf: s.graph.Person}
}

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

func open(t *testing.T, dir string, src Origin, mergeRows int) *Index {
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
		t.Run(name, func(t *testing.T) { testAgreesWithReference(t, chunk) })
	}
}

// testAgreesWithReference runs the test with chunks of chunk persons, all
// scanned by one worker when chunk is 0.
func testAgreesWithReference(t *testing.T, chunk int) {
	open := func(t *testing.T, dir string, src Origin, mergeRows int) *Index {
		x := open(t, dir, src, mergeRows)
		if chunk > 0 {
			x.chunkPersons, x.parallelPersons = chunk, 0
		}
		return x
	}
	rng := rand.New(rand.NewPCG(1, 2))
	src := &store{graph: identity.NewGraph()}
	ref := func() string { return hits(t, src.reference()) }
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
			if err := os.WriteFile(filepath.Join(dir, "..", "current"), []byte("999\n"), 0o600); err != nil {
				t.Fatal(err)
			}
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

// generations lists the project's generation directories.
func generations(t *testing.T, dir string) []string {
	t.Helper()
	gens, err := filepath.Glob(filepath.Join(dir, "p-*", "g*"))
	if err != nil {
		t.Fatal(err)
	}
	return gens
}

// TestIndexBehindItsStore: a store restored from an older copy, or a new
// one, while the index stays, makes the index rebuild rather than serve
// events the store no longer has.
func TestIndexBehindItsStore(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dir := t.TempDir()
	src := &store{graph: identity.NewGraph()}
	x := open(t, dir, src, 10)
	src.write(t, x, randomEvents(rng, 120)...)
	x.Close()

	restored := &store{graph: identity.NewGraph()}
	x = open(t, dir, restored, 10)
	defer x.Close()
	restored.write(t, x, randomEvents(rng, 15)...)
	if got, want := hits(t, x), hits(t, restored.reference()); got != want {
		t.Fatalf("after the store went back:\n got %s\nwant %s", got, want)
	}
}

// TestMergesWhenWorthIt: an idle project merges a memtable of a hundredth
// of its generation, not a handful of events; close leaves a small memtable
// for the next start to read back.
func TestMergesWhenWorthIt(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	dir := t.TempDir()
	src := &store{graph: identity.NewGraph()}
	x := open(t, dir, src, 50)
	src.write(t, x, randomEvents(rng, 400)...)
	x.Close()
	before := generations(t, dir)
	x = open(t, dir, src, 50)
	src.write(t, x, randomEvents(rng, 1)...) // under a hundredth of the rows
	x.mu.Lock()
	for _, p := range x.projects {
		p.touched = p.touched.Add(-time.Minute) // idle for long enough
	}
	x.mu.Unlock()
	time.Sleep(1500 * time.Millisecond) // the idle merger looks every second
	x.Close()
	if after := generations(t, dir); !slices.Equal(after, before) {
		t.Errorf("one event rewrote the generation: %v, then %v", before, after)
	}
	x = open(t, dir, src, 50)
	defer x.Close()
	if got, want := hits(t, x), hits(t, src.reference()); got != want {
		t.Fatalf("after the restart:\n got %s\nwant %s", got, want)
	}
}

// TestFailedMergeWaits: a merge that fails leaves reports right, from the
// memtable, and the next one waits instead of retrying at once.
func TestFailedMergeWaits(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	dir := t.TempDir()
	src := &store{graph: identity.NewGraph()}
	x := open(t, dir, src, 1_000_000)
	defer x.Close()
	src.write(t, x, randomEvents(rng, 50)...)
	x.mu.Lock()
	p := x.projects["p"]
	blocked := filepath.Join(p.dir, generationDir(p.gen+1))
	x.mu.Unlock()
	// A file where the next generation's directory goes fails the merge.
	if err := os.WriteFile(blocked, nil, 0o400); err != nil {
		t.Fatal(err)
	}
	x.mu.Lock()
	snap := p.snapshotForMerge()
	x.mu.Unlock()
	if _, err := snap.build(); err == nil {
		t.Skip("a file does not block a directory here")
	}
	x.mu.Lock()
	x.mergeEvery = 10
	x.mu.Unlock()
	src.write(t, x, randomEvents(rng, 20)...) // starts a merge, which fails
	waitForMerges(x)
	x.mu.Lock()
	retryAt, merging := p.retryAt, p.merging
	x.mu.Unlock()
	if merging || !retryAt.After(time.Now()) {
		t.Fatalf("after a failed merge: merging %v, retry at %v; want a wait", merging, retryAt)
	}
	if got, want := hits(t, x), hits(t, src.reference()); got != want {
		t.Fatalf("after a failed merge:\n got %s\nwant %s", got, want)
	}
}

// TestReportsDuringMerges runs reports while commits start merges that
// retire the generations the reports read.
func TestReportsDuringMerges(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	dir := t.TempDir()
	src := &store{graph: identity.NewGraph()}
	x := open(t, dir, src, 23)
	defer x.Close()
	x.chunkPersons, x.parallelPersons = 2, 0
	events := randomEvents(rng, 1500)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				err := x.HitsPartitioned(context.Background(), query, func(int, *report.Person) error { return nil })
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for len(events) > 0 {
		n := min(len(events), 1+rng.IntN(30))
		src.write(t, x, events[:n]...)
		events = events[n:]
	}
	close(done)
	wg.Wait()
	waitForMerges(x)
	if got, want := hits(t, x), hits(t, src.reference()); got != want {
		t.Fatalf("after the merges:\n got %s\nwant %s", got, want)
	}
}

// waitForMerges waits until no project merges; x.merges also counts the
// idle merger, which runs until Close.
func waitForMerges(x *Index) {
	for {
		x.mu.Lock()
		merging := false
		for _, p := range x.projects {
			merging = merging || p.merging
		}
		x.mu.Unlock()
		if !merging {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReleasedPagesReadAgain: reports read a mapped generation again after
// a scan took its member pages out of the process.
func TestReleasedPagesReadAgain(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	dir := t.TempDir()
	src := &store{graph: identity.NewGraph()}
	x := open(t, dir, src, 1_000_000)
	src.write(t, x, randomEvents(rng, 20_000)...) // members over many pages
	x.Close()
	x = open(t, dir, src, 1_000_000)
	defer x.Close()
	x.chunkPersons = 3
	want := hits(t, src.reference())
	for run := range 3 {
		if got := hits(t, x); got != want {
			t.Fatalf("run %d:\n got %s\nwant %s", run, got, want)
		}
	}
}
