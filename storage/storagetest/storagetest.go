// Package storagetest is the conformance suite of Waymark's storage engines:
// the same tests, with the same expected answers, for every engine.
package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
	"github.com/waymark-analytics/waymark/storage"
)

// Opener opens one storage, such as a database file; calling it again opens
// the same storage anew, as a restarted server would. The suite closes what
// it opens.
type Opener func(t *testing.T) storage.Store

// Sizes are how much random data the randomized tests store: the seeds of
// the identity and hits tests, each in its own storage, and the datasets of
// the reports test.
type Sizes struct {
	IdentitySeeds, HitSeeds, GrowingSeeds, ReadSeeds uint64
	ReportDatasets                                   int
}

// Full is what every engine runs on at least one setup. Another setup of
// the same engine, which runs the same SQL, may take less where each round
// trip is slow: a ClickHouse cluster, checked for what sharding changes.
var Full = Sizes{IdentitySeeds: 12, HitSeeds: 4, GrowingSeeds: 3, ReadSeeds: 4, ReportDatasets: 150}

// Run runs every test of the suite, in parallel; fresh returns an Opener of
// new, empty storage.
func Run(t *testing.T, fresh func(t *testing.T) Opener, sizes Sizes) {
	type conformanceTest struct {
		name string
		test func(t *testing.T, open Opener)
	}
	tests := []conformanceTest{
		{"DeduplicatesAcrossBatchesAndRestarts", testDeduplicates},
		{"ExportRoundTrip", testExportRoundTrip},
		{"IdentityMergesAreRetroactive", testRetroactiveMerges},
		{"GroupTraitsAndMembers", testGroups},
		{"LatestTraitFollowsStorageOrderOnTimestampTies", testTraitTies},
		{"RejectionsOldestFirst", testRejections},
		{"Projects", testProjects},
		{"Journeys", testJourneys},
		{"CreateJourney", testCreateJourney},
		{"UnreadableJourneys", testUnreadableJourneys},
		{"Spend", testSpend},
		{"Events", testEvents},
		{"SearchPersons", testSearchPersons},
		{"Overview", testOverview},
		{"EventsStoredAfter", testEventsStoredAfter},
		{"LiveResume", testLiveResume},
	}
	// The randomized tests take longest. They start first, so that the short
	// ones fill in around them rather than leave them running alone at the
	// end. Each seed has its own storage, so that engines whose writes wait
	// on the network run them side by side.
	var long []conformanceTest
	seeded := func(name string, seeds uint64, test func(t *testing.T, open Opener, seed uint64)) {
		for seed := range seeds {
			long = append(long, conformanceTest{fmt.Sprint(name, "/seed=", seed), func(t *testing.T, open Opener) { test(t, open, seed) }})
		}
	}
	seeded("HitsMatchReference", sizes.HitSeeds, testHitsReference)
	long = append(long, conformanceTest{"ReportsMatchReference", func(t *testing.T, open Opener) { testReports(t, open, sizes.ReportDatasets) }})
	seeded("IdentityMatchesReference", sizes.IdentitySeeds, testIdentityReference)
	seeded("HitsMatchReferenceAsDataGrows", sizes.GrowingSeeds, testHitsAsDataGrows)
	seeded("CatalogMatchesReference", 1, testCatalogReference)
	seeded("EventsAndOverviewMatchReference", sizes.ReadSeeds, testReadsReference)
	for _, tt := range append(long, tests...) {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t, fresh(t))
		})
	}
}

// Must opens the storage and closes it when the test ends.
func (open Opener) Must(t *testing.T) storage.Store {
	t.Helper()
	s := open(t)
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)

func track(id, anon string, ts time.Time) waymark.Event {
	return waymark.Event{
		ProjectID: "p", MessageID: id, Type: waymark.Track, Name: "Viewed",
		AnonymousID: anon, Timestamp: ts, ReceivedAt: ts,
		Properties: json.RawMessage(`{"a":1}`),
	}
}

func identify(id, user, anon string, at time.Time, traits string) waymark.Event {
	return waymark.Event{ProjectID: "p", MessageID: id, Type: waymark.Identify, UserID: user, AnonymousID: anon,
		Timestamp: at, ReceivedAt: at, Traits: json.RawMessage(traits)}
}

func write(t *testing.T, s storage.Store, events ...waymark.Event) []bool {
	t.Helper()
	dup, err := s.Write(context.Background(), events, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dup
}

// Export returns the project's events in storage order with their persons.
func Export(t *testing.T, s storage.Store, project string) (events []waymark.Event, persons []string) {
	t.Helper()
	err := s.ExportEvents(context.Background(), project, func(e *waymark.Event, person string) error {
		events, persons = append(events, *e), append(persons, person)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return events, persons
}

func messageIDs(events []waymark.Event) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.MessageID
	}
	return ids
}

func testDeduplicates(t *testing.T, open Opener) {
	s := open(t)
	if dup := write(t, s, track("m1", "a", t0), track("m2", "a", t0), track("m1", "a", t0)); !slices.Equal(dup, []bool{false, false, true}) {
		t.Fatalf("first write duplicates = %v, want [false false true]", dup)
	}
	s.Close()
	s = open.Must(t)
	if dup := write(t, s, track("m2", "a", t0), track("m3", "a", t0)); !slices.Equal(dup, []bool{true, false}) {
		t.Fatalf("after restart duplicates = %v, want [true false]", dup)
	}
	if events, _ := Export(t, s, "p"); fmt.Sprint(messageIDs(events)) != "[m1 m2 m3]" {
		t.Fatalf("stored %v, want m1 m2 m3 once each", messageIDs(events))
	}
}

func testExportRoundTrip(t *testing.T, open Opener) {
	s := open.Must(t)
	in := waymark.Event{
		ProjectID: "p", MessageID: "m1", Type: waymark.Page, Name: "Pricing",
		UserID: "u1", AnonymousID: "a1", Timestamp: t0, OriginalTimestamp: t0.Add(time.Hour),
		SentAt: t0.Add(time.Hour + time.Second), ReceivedAt: t0.Add(time.Second),
		Properties: json.RawMessage(`{"path":"/pricing"}`), Context: json.RawMessage(`{"ip":"1.2.3.4"}`),
		Page:     waymark.PageInfo{URL: "https://x.io/pricing", Host: "x.io", Path: "/pricing"},
		Campaign: waymark.Campaign{Source: "google", Medium: "cpc", ClickID: "gclid", Channel: waymark.ChannelPaidSearch},
		Device:   waymark.Device{Browser: "Chrome", Type: "desktop"},
		Geo:      waymark.Geo{IP: "1.2.3.4", Country: "NL"},
		Revenue:  &waymark.Money{Amount: 12.5, Currency: "EUR"},
	}
	bare := waymark.Event{ProjectID: "p", MessageID: "m2", Type: waymark.Track, Name: "Free", AnonymousID: "a2",
		Timestamp: t0, ReceivedAt: t0, Revenue: &waymark.Money{Amount: 0}}
	write(t, s, in, bare)
	events, persons := Export(t, s, "p")
	if len(events) != 2 || persons[0] != "u1" || persons[1] != "a2" {
		t.Fatalf("exported %d events of persons %v, want m1 of u1 and m2 of a2", len(events), persons)
	}
	for i, want := range []waymark.Event{in, bare} {
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(events[i])
		if string(a) != string(b) {
			t.Errorf("round trip changed the event:\n in %s\nout %s", a, b)
		}
	}
}

func testRetroactiveMerges(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open.Must(t)
	// Two devices browse anonymously, then sign up on both, in separate batches.
	write(t, s, track("phone", "A1", t0), track("laptop", "A2", t0.Add(time.Minute)))
	write(t, s, identify("i1", "U", "A1", t0.Add(time.Hour), `{"plan":"free","email":"u@x.io"}`))
	write(t, s, identify("i2", "U", "A2", t0.Add(2*time.Hour), `{"plan":"pro"}`), track("other", "B", t0))
	events, persons := Export(t, s, "p")
	got := map[string]string{}
	for i, e := range events {
		got[e.MessageID] = persons[i]
	}
	want := map[string]string{"phone": "U", "laptop": "U", "i1": "U", "i2": "U", "other": "B"}
	for id, p := range want {
		if got[id] != p {
			t.Errorf("event %s belongs to %q, want %q", id, got[id], p)
		}
	}
	p, err := s.Person(ctx, "p", "A2")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "U" || fmt.Sprint(p.IDs) != "[A1 A2 U]" || !p.FirstSeen.Equal(t0) || !p.LastSeen.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("person = %+v", p)
	}
	if p.Traits["plan"] != "pro" || p.Traits["email"] != "u@x.io" {
		t.Errorf("traits = %v, want the latest plan and the earlier email", p.Traits)
	}
	if p, err := s.Person(ctx, "p", "B"); err != nil || p.ID != "B" || fmt.Sprint(p.IDs) != "[B]" {
		t.Errorf("anonymous person = %+v, %v; want B alone", p, err)
	}
	if _, err := s.Person(ctx, "p", "nobody"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("unknown person: err = %v, want not found", err)
	}
}

func testGroups(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open.Must(t)
	group := func(id, user, anon string, at time.Time, traits string) waymark.Event {
		return waymark.Event{ProjectID: "p", MessageID: id, Type: waymark.Group, GroupID: "acme", UserID: user, AnonymousID: anon,
			Timestamp: at, ReceivedAt: at, Traits: json.RawMessage(traits)}
	}
	write(t, s,
		group("g1", "", "A1", t0, `{"plan":"trial","seats":3}`),
		group("g2", "U2", "", t0.Add(time.Hour), `{"plan":"pro"}`),
		identify("i1", "U1", "A1", t0, ""),
	)
	g, err := s.Group(ctx, "p", "acme")
	if err != nil {
		t.Fatal(err)
	}
	if g.Traits["plan"] != "pro" || g.Traits["seats"] != float64(3) {
		t.Errorf("traits = %v, want the latest plan and the earlier seats", g.Traits)
	}
	if fmt.Sprint(g.Members) != "[U1 U2]" {
		t.Errorf("members = %v, want [U1 U2] (A1 resolved to U1)", g.Members)
	}
	if !g.FirstSeen.Equal(t0) || !g.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("seen %v..%v", g.FirstSeen, g.LastSeen)
	}
	if _, err := s.Group(ctx, "p", "nope"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("unknown group: err = %v, want not found", err)
	}
}

func testTraitTies(t *testing.T, open Opener) {
	s := open.Must(t)
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) // date-only imports tie often
	for i := range 5 {
		write(t, s, identify(fmt.Sprint("i", i), "U", "", day, fmt.Sprintf(`{"n":%d}`, i)))
	}
	p, err := s.Person(context.Background(), "p", "U")
	if err != nil {
		t.Fatal(err)
	}
	if p.Traits["n"] != float64(4) {
		t.Errorf("n = %v, want 4, the last stored", p.Traits["n"])
	}
	if events, _ := Export(t, s, "p"); fmt.Sprint(messageIDs(events)) != "[i0 i1 i2 i3 i4]" {
		t.Errorf("export order = %v, want storage order", messageIDs(events))
	}
}

func testRejections(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open.Must(t)
	reject := func(id, reason string, at time.Time) waymark.Rejection {
		return waymark.Rejection{ProjectID: "p", MessageID: id, Reason: reason, Payload: json.RawMessage(`{"n":"` + id + `"}`), ReceivedAt: at}
	}
	if _, err := s.Write(ctx, []waymark.Event{track("ok", "a", t0)}, []waymark.Rejection{reject("late", "bad type", t0.Add(time.Second))}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(ctx, nil, []waymark.Rejection{reject("", "not JSON", t0)}); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := s.Rejections(ctx, "p", func(r *waymark.Rejection) error {
		got = append(got, fmt.Sprintf("%s|%s|%s|%s", r.MessageID, r.Reason, r.Payload, r.ReceivedAt.Format(time.RFC3339Nano)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`|not JSON|{"n":""}|2026-01-02T03:04:05.000006Z`,
		`late|bad type|{"n":"late"}|2026-01-02T03:04:06.000006Z`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("rejections =\n%q\nwant\n%q", got, want)
	}
}

func testProjects(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open.Must(t)
	a := waymark.Project{ID: "a", Name: "A", WriteKey: "wa", ReadKey: "ra", CreatedAt: t0}
	b := waymark.Project{ID: "b", Name: "B", WriteKey: "wb", ReadKey: "rb", CreatedAt: t0.Add(time.Second)}
	for _, p := range []waymark.Project{b, a} {
		if err := s.CreateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	clash := waymark.Project{ID: "c", Name: "C", WriteKey: "wa", ReadKey: "rc", CreatedAt: t0}
	if err := s.CreateProject(ctx, clash); waymark.ErrorKind(err) != waymark.KindConflict {
		t.Errorf("reused write key: err = %v, want a conflict", err)
	}
	got, err := s.Projects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []waymark.Project{a, b}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("projects = %v, want %v, oldest first", got, want)
	}
}

// testIdentityReference writes random identify and alias sequences in random
// batches and demands the persons the pure-Go identity.Graph gives.
func testIdentityReference(t *testing.T, open Opener, seed uint64) {
	s := open.Must(t)
	graph := identity.NewGraph()
	stored := map[string]bool{}
	for _, batch := range RandomBatches(seed, "p", 300) {
		for i := range batch {
			if stored[batch[i].MessageID] {
				continue
			}
			stored[batch[i].MessageID] = true
			if link, ok := identity.LinkOf(&batch[i]); ok {
				graph.Apply(link)
			}
		}
		write(t, s, batch...)
	}
	events, persons := Export(t, s, "p")
	if len(events) != 300 {
		t.Fatalf("exported %d events, want 300", len(events))
	}
	for i, e := range events {
		if want := graph.Person(e.DistinctID()); persons[i] != want {
			t.Errorf("%s resolves to %s, want %s", e.DistinctID(), persons[i], want)
		}
	}
	for _, id := range []string{"u0", "u1", "a0", "a1"} {
		p, err := s.Person(context.Background(), "p", id)
		if err != nil && waymark.ErrorKind(err) != waymark.KindNotFound {
			t.Fatal(err)
		}
		if want := graph.Members(graph.Person(id)); err == nil && fmt.Sprint(p.IDs) != fmt.Sprint(want) {
			t.Errorf("ids of %s's person = %v, want %v", id, p.IDs, want)
		}
	}
}

// RandomBatches returns n messages of the project in random batches: page
// views, identifies and aliases over a small pool of ids, so that persons
// merge, conflict and chain, with random properties; about one in twenty
// messages is followed by a retry of an earlier one.
func RandomBatches(seed uint64, project string, n int) [][]waymark.Event {
	rng := rand.New(rand.NewPCG(seed, 7))
	var batches [][]waymark.Event
	var batch, all []waymark.Event
	type retry struct{ batch, index, of int }
	var retries []retry
	for i := range n {
		at := t0.Add(time.Duration(rng.IntN(3600)) * time.Second)
		e := waymark.Event{ProjectID: project, MessageID: fmt.Sprint("m", i), Timestamp: at, ReceivedAt: at}
		user, anon := fmt.Sprint("u", rng.IntN(12)), fmt.Sprint("a", rng.IntN(30))
		switch rng.IntN(4) {
		case 0:
			e.Type, e.Name, e.AnonymousID = waymark.Track, "Viewed", anon
			e.Properties = json.RawMessage(fmt.Sprintf(`{"n":%d}`, rng.IntN(5)))
			if rng.IntN(3) == 0 {
				e.Revenue = &waymark.Money{Amount: float64(rng.IntN(100)) / 4, Currency: "EUR"}
			}
		case 1:
			e.Type, e.UserID, e.PreviousID = waymark.Alias, user, []string{anon, fmt.Sprint("u", rng.IntN(12))}[rng.IntN(2)]
		default:
			e.Type, e.UserID, e.AnonymousID = waymark.Identify, user, anon
			e.Traits = json.RawMessage(fmt.Sprintf(`{"plan":"p%d"}`, rng.IntN(3)))
		}
		batch = append(batch, e)
		if rng.IntN(20) == 0 { // a retry of an earlier message
			k := rng.IntN(i + 1)
			batch = append(batch, waymark.Event{ProjectID: project, MessageID: fmt.Sprint("m", k)})
			retries = append(retries, retry{len(batches), len(batch) - 1, k})
		}
		all = append(all, e)
		if rng.IntN(25) == 0 || i == n-1 {
			batches = append(batches, batch)
			batch = nil
		}
	}
	for _, r := range retries {
		batches[r.batch][r.index] = all[r.of]
	}
	return batches
}
