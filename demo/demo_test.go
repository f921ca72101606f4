package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/segment"
)

// dataset is a generated dataset after ingest: every event, in the order
// ingest received them, and the identity graph their links built.
type dataset struct {
	opts   Options
	events []waymark.Event
	graph  *identity.Graph
	raw    int // messages emitted
}

var (
	datasetsMu sync.Mutex
	datasets   = map[Options]*dataset{}
)

// ingested generates opts's dataset once per test binary and runs it
// through the ingest pipeline, failing the test on any rejection.
func ingested(t testing.TB, opts Options) *dataset {
	t.Helper()
	datasetsMu.Lock()
	defer datasetsMu.Unlock()
	if ds := datasets[opts]; ds != nil {
		return ds
	}
	ds := &dataset{opts: opts, graph: identity.NewGraph()}
	pipeline := ingest.NewPipeline(ingest.Options{})
	err := Generate(opts, func(batch []json.RawMessage, receivedAt time.Time) error {
		ds.raw += len(batch)
		b := pipeline.Process(ingest.Source{ProjectID: "demo", ReceivedAt: receivedAt}, segment.Payload{Messages: batch})
		if len(b.Rejected) > 0 {
			r := b.Rejected[0]
			return fmt.Errorf("%d messages rejected, first %s: %s\n%s", len(b.Rejected), r.MessageID, r.Reason, batch[r.Index])
		}
		var links []identity.Link
		for i := range b.Events {
			if l, ok := identity.LinkOf(&b.Events[i]); ok {
				links = append(links, l)
			}
		}
		ds.graph.Apply(links...)
		ds.events = append(ds.events, b.Events...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	datasets[opts] = ds
	return ds
}

// collect returns every batch and receive time that Generate emits.
func collect(t *testing.T, opts Options) ([][]json.RawMessage, []time.Time) {
	t.Helper()
	var batches [][]json.RawMessage
	var times []time.Time
	err := Generate(opts, func(batch []json.RawMessage, receivedAt time.Time) error {
		batches = append(batches, batch)
		times = append(times, receivedAt)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return batches, times
}

// digest hashes a whole dataset: every message and receive time, in order.
func digest(t *testing.T, opts Options) [32]byte {
	t.Helper()
	h := sha256.New()
	err := Generate(opts, func(batch []json.RawMessage, receivedAt time.Time) error {
		fmt.Fprintf(h, "batch %d %s\n", len(batch), receivedAt.Format(time.RFC3339Nano))
		for _, m := range batch {
			h.Write(m)
			h.Write([]byte{'\n'})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

func TestDeterministic(t *testing.T) {
	opts := Options{Seed: 7, Events: 30_000}
	a, aTimes := collect(t, opts)
	b, bTimes := collect(t, opts)
	if len(a) != len(b) {
		t.Fatalf("same options: %d batches, then %d", len(a), len(b))
	}
	for i := range a {
		if !aTimes[i].Equal(bTimes[i]) {
			t.Fatalf("batch %d: receivedAt %v, then %v", i, aTimes[i], bTimes[i])
		}
		if len(a[i]) != len(b[i]) {
			t.Fatalf("batch %d: %d messages, then %d", i, len(a[i]), len(b[i]))
		}
		for j := range a[i] {
			if !bytes.Equal(a[i][j], b[i][j]) {
				t.Fatalf("batch %d message %d differs:\n%s\n%s", i, j, a[i][j], b[i][j])
			}
		}
	}

	base := digest(t, opts)
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"other seed", Options{Seed: 8, Events: 30_000}},
		{"other size", Options{Seed: 7, Events: 31_000}},
		{"other end", Options{Seed: 7, Events: 30_000, End: DefaultEnd.Add(-24 * time.Hour)}},
	} {
		if digest(t, tc.opts) == base {
			t.Errorf("%s: same data as %+v", tc.name, opts)
		}
	}
	if digest(t, Options{Seed: 7, Events: 30_000, End: DefaultEnd}) != base {
		t.Error("End: DefaultEnd gives other data than a zero End")
	}
}

// TestMessages checks every message of a dataset as the collector would,
// and what Generate promises about them.
func TestMessages(t *testing.T) {
	opts := Options{Seed: 3, Events: 40_000}
	batches, times := collect(t, opts)
	end := DefaultEnd
	start := end.Add(-spanDays * 24 * time.Hour)
	n := 0
	for i, batch := range batches {
		if len(batch) == 0 || len(batch) > segment.MaxBatchMessages {
			t.Fatalf("batch %d has %d messages", i, len(batch))
		}
		body, err := json.Marshal(map[string]any{"batch": batch})
		if err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
		payload, err := segment.DecodePayload(body, "")
		if err != nil {
			t.Fatalf("batch %d as a /v1/batch body: %v", i, err)
		}
		latest := time.Time{}
		for j, raw := range payload.Messages {
			n++
			m, err := payload.ParseMessage(raw)
			if err == nil {
				err = m.Validate()
			}
			if err != nil {
				t.Fatalf("batch %d message %d: %v\n%s", i, j, err, raw)
			}
			if want := "demo-3-" + strconv.Itoa(n); m.MessageID != want {
				t.Fatalf("messageId %q, want %q", m.MessageID, want)
			}
			if lib := m.ContextInfo().LibraryName; lib != "analytics-node" {
				t.Fatalf("%s: context.library.name %q", m.MessageID, lib)
			}
			ts, err := time.Parse(time.RFC3339Nano, m.Timestamp) // as demo writes it
			if err != nil {
				t.Fatalf("%s: timestamp %q: %v", m.MessageID, m.Timestamp, err)
			}
			if ts.Before(start) || !ts.Before(end) {
				t.Fatalf("%s: timestamp %v outside [%v, %v)", m.MessageID, ts, start, end)
			}
			e := m.Event("demo", times[i])
			if !e.Timestamp.Equal(ts) {
				t.Fatalf("%s: ingest moved timestamp %v to %v", m.MessageID, ts, e.Timestamp)
			}
			if ts.After(latest) {
				latest = ts
			}
		}
		if want := latest.Add(2 * time.Second); !times[i].Equal(want) {
			t.Errorf("batch %d received at %v, want its latest timestamp plus 2s, %v", i, times[i], want)
		}
	}
	ds := ingested(t, opts) // fails on any rejection
	if len(ds.events) != n {
		t.Errorf("ingest stored %d events of %d messages", len(ds.events), n)
	}
}

// TestLinksMerge checks that every identify and alias in the data merges
// its two ids: no device is shared by two people, so identify's conflict
// rule never refuses one, and persons are exactly who the generator meant.
func TestLinksMerge(t *testing.T) {
	ds := ingested(t, Options{Seed: 3, Events: 40_000})
	links, anonymousIdentifies := 0, 0
	for i := range ds.events {
		e := &ds.events[i]
		l, ok := identity.LinkOf(e)
		if !ok {
			if e.Type == waymark.Identify && e.UserID == "" {
				anonymousIdentifies++ // a guest's traits
			}
			continue
		}
		links++
		if from, into := ds.graph.Person(l.From), ds.graph.Person(l.Into); from != into {
			t.Fatalf("%s: %s is person %s, but %s is person %s", e.MessageID, l.From, from, l.Into, into)
		}
	}
	if links == 0 || anonymousIdentifies == 0 {
		t.Errorf("%d links and %d anonymous identifies: want both", links, anonymousIdentifies)
	}
}

func TestEventCount(t *testing.T) {
	for _, events := range []int{2_000, 25_000, 120_000} {
		t.Run(strconv.Itoa(events), func(t *testing.T) {
			for seed := range uint64(2) {
				got := 0
				err := Generate(Options{Seed: seed, Events: events}, func(batch []json.RawMessage, _ time.Time) error {
					got += len(batch)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if off := float64(got-events) / float64(events); off < -0.03 || off > 0.03 {
					t.Errorf("seed %d: %d messages for Events %d (%+.1f%%)", seed, got, events, 100*off)
				}
			}
		})
	}
}

func TestEmitError(t *testing.T) {
	calls := 0
	stop := fmt.Errorf("disk full")
	err := Generate(Options{Events: 20_000}, func([]json.RawMessage, time.Time) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("Generate returned %v after %d calls; want the emit error after 1", err, calls)
	}
}

// BenchmarkGenerate measures generation alone, without ingest or storage.
func BenchmarkGenerate(b *testing.B) {
	const events = 200_000
	total, bytes := 0, 0
	for b.Loop() {
		err := Generate(Options{Seed: 1, Events: events}, func(batch []json.RawMessage, _ time.Time) error {
			total += len(batch)
			for _, m := range batch {
				bytes += len(m)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(bytes)/float64(total), "B/event")
}

// TestLocations checks where events come from: a message from a browser or
// the app carries its network's location, in the person's one country, with
// a city for home networks only; Acme's back end sends none. Countries keep
// the catalog's shares of persons.
func TestLocations(t *testing.T) {
	ds := ingested(t, Options{Seed: 3, Events: 40_000})
	personCountry := map[string]string{}
	for i := range ds.events {
		e := &ds.events[i]
		g := e.Geo
		if e.AnonymousID == "" { // the back end: a userId and no device
			if g.Country != "" || g.City != "" {
				t.Fatalf("%s from the back end has a location: %+v", e.MessageID, g)
			}
			continue
		}
		if g.Country == "" || (g.City == "") != (g.Region == "") {
			t.Fatalf("%s from a device has the location %+v", e.MessageID, g)
		}
		p := ds.graph.Person(e.DistinctID())
		if c, ok := personCountry[p]; ok && c != g.Country {
			t.Fatalf("%s: person %s is in %s and %s", e.MessageID, p, c, g.Country)
		}
		personCountry[p] = g.Country
	}
	shares := map[string]float64{}
	for _, c := range personCountry {
		shares[c] += 1 / float64(len(personCountry))
	}
	total := 0.0
	for _, c := range countries {
		total += c.weight
	}
	for _, c := range countries {
		if want := c.weight / total; shares[c.code] < want-0.03 || shares[c.code] > want+0.03 {
			t.Errorf("%s: %.1f%% of persons, want about %.1f%%", c.code, 100*shares[c.code], 100*want)
		}
	}
}

func TestJourneysRun(t *testing.T) {
	journeys, err := Journeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(journeys) == 0 {
		t.Fatal("no demo journeys")
	}
	for _, j := range journeys {
		if err := j.Validate(); err != nil {
			t.Errorf("journey %s: %v", j.ID, err)
		}
	}
}
