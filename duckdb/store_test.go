package duckdb

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "waymark.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func testEvent(id, anon string, ts time.Time) waymark.Event {
	return waymark.Event{
		ProjectID: "p", MessageID: id, Type: waymark.Track, Name: "Viewed",
		AnonymousID: anon, Timestamp: ts, ReceivedAt: ts,
		Properties: json.RawMessage(`{"a":1}`),
	}
}

func exportIDs(t *testing.T, s *Store) []string {
	t.Helper()
	var ids []string
	err := s.ExportEvents(context.Background(), "p", func(e *waymark.Event, person string) error {
		ids = append(ids, e.MessageID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestWriteDeduplicatesAcrossBatchesAndRestarts(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	dup, err := s.Write(ctx, []waymark.Event{testEvent("m1", "a", t0), testEvent("m2", "a", t0), testEvent("m1", "a", t0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{false, false, true}; !equal(dup, want) {
		t.Fatalf("first write duplicates = %v, want %v", dup, want)
	}
	s.Close()

	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dup, err = s.Write(ctx, []waymark.Event{testEvent("m2", "a", t0), testEvent("m3", "a", t0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, false}; !equal(dup, want) {
		t.Fatalf("after restart duplicates = %v, want %v", dup, want)
	}
	if got := exportIDs(t, s); len(got) != 3 {
		t.Fatalf("stored %v, want m1 m2 m3 once each", got)
	}
}

func TestExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
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
	if _, err := s.Write(ctx, []waymark.Event{in}, []waymark.Rejection{{ProjectID: "p", Reason: "bad", Payload: json.RawMessage(`{}`), ReceivedAt: t0}}); err != nil {
		t.Fatal(err)
	}
	var out waymark.Event
	var person string
	s.ExportEvents(ctx, "p", func(e *waymark.Event, p string) error { out, person = *e, p; return nil })
	if person != "u1" {
		t.Errorf("person = %q, want u1", person)
	}
	a, _ := json.Marshal(in)
	b, _ := json.Marshal(out)
	if string(a) != string(b) {
		t.Errorf("round trip changed the event:\n in %s\nout %s", a, b)
	}
	var reasons []string
	s.Rejections(ctx, "p", func(r *waymark.Rejection) error { reasons = append(reasons, r.Reason); return nil })
	if len(reasons) != 1 || reasons[0] != "bad" {
		t.Errorf("rejections = %v", reasons)
	}
}

func equal(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestIdentityMergesAreRetroactive(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	identify := func(id, user, anon string, at time.Time, traits string) waymark.Event {
		return waymark.Event{ProjectID: "p", MessageID: id, Type: waymark.Identify, UserID: user, AnonymousID: anon,
			Timestamp: at, ReceivedAt: at, Traits: json.RawMessage(traits)}
	}
	// Two devices browse anonymously, then sign up on both, in separate batches.
	batches := [][]waymark.Event{
		{testEvent("phone", "A1", t0), testEvent("laptop", "A2", t0.Add(time.Minute))},
		{identify("i1", "U", "A1", t0.Add(time.Hour), `{"plan":"free","email":"u@x.io"}`)},
		{identify("i2", "U", "A2", t0.Add(2*time.Hour), `{"plan":"pro"}`), testEvent("other", "B", t0)},
	}
	for _, b := range batches {
		if _, err := s.Write(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	persons := map[string]string{}
	s.ExportEvents(ctx, "p", func(e *waymark.Event, p string) error { persons[e.MessageID] = p; return nil })
	want := map[string]string{"phone": "U", "laptop": "U", "i1": "U", "i2": "U", "other": "B"}
	for id, p := range want {
		if persons[id] != p {
			t.Errorf("event %s belongs to %q, want %q", id, persons[id], p)
		}
	}
	p, err := s.Person(ctx, "p", "A2")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "U" || len(p.IDs) != 3 || !p.FirstSeen.Equal(t0) || !p.LastSeen.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("person = %+v", p)
	}
	if p.Traits["plan"] != "pro" || p.Traits["email"] != "u@x.io" {
		t.Errorf("traits = %v, want the latest plan and the earlier email", p.Traits)
	}
	if _, err := s.Person(ctx, "p", "nobody"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("unknown person: err = %v, want not found", err)
	}
}

func TestGroupTraitsAndMembers(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	group := func(id, user, anon string, at time.Time, traits string) waymark.Event {
		return waymark.Event{ProjectID: "p", MessageID: id, Type: waymark.Group, GroupID: "acme", UserID: user, AnonymousID: anon,
			Timestamp: at, ReceivedAt: at, Traits: json.RawMessage(traits)}
	}
	batch := []waymark.Event{
		group("g1", "", "A1", t0, `{"plan":"trial","seats":3}`),
		group("g2", "U2", "", t0.Add(time.Hour), `{"plan":"pro"}`),
		{ProjectID: "p", MessageID: "i1", Type: waymark.Identify, UserID: "U1", AnonymousID: "A1", Timestamp: t0, ReceivedAt: t0},
	}
	if _, err := s.Write(ctx, batch, nil); err != nil {
		t.Fatal(err)
	}
	g, err := s.Group(ctx, "p", "acme")
	if err != nil {
		t.Fatal(err)
	}
	if g.Traits["plan"] != "pro" || g.Traits["seats"] != float64(3) {
		t.Errorf("traits = %v, want the latest plan and the earlier seats", g.Traits)
	}
	if len(g.Members) != 2 || g.Members[0] != "U1" || g.Members[1] != "U2" {
		t.Errorf("members = %v, want [U1 U2] (A1 resolved to U1)", g.Members)
	}
	if !g.FirstSeen.Equal(t0) || !g.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("seen %v..%v", g.FirstSeen, g.LastSeen)
	}
	if _, err := s.Group(ctx, "p", "nope"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("unknown group: err = %v, want not found", err)
	}
}

func TestLatestTraitFollowsStorageOrderOnTimestampTies(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	t0 := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) // date-only imports tie often
	for i := range 5 {
		e := waymark.Event{ProjectID: "p", MessageID: fmt.Sprint("i", i), Type: waymark.Identify, UserID: "U",
			Timestamp: t0, ReceivedAt: t0, Traits: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))}
		if _, err := s.Write(ctx, []waymark.Event{e}, nil); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.Person(ctx, "p", "U")
	if err != nil {
		t.Fatal(err)
	}
	if p.Traits["n"] != float64(4) {
		t.Errorf("n = %v, want 4, the last stored", p.Traits["n"])
	}
	if got := exportIDs(t, s); fmt.Sprint(got) != "[i0 i1 i2 i3 i4]" {
		t.Errorf("export order = %v, want storage order", got)
	}
}

// TestIdentityMatchesReference writes random identify and alias sequences in
// random batches and demands the persons the pure-Go identity.Graph gives.
func TestIdentityMatchesReference(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		s, _ := openTest(t)
		graph := identity.NewGraph()
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var batch []waymark.Event
		for n := range 300 {
			e := waymark.Event{ProjectID: "p", MessageID: fmt.Sprint("m", n), Timestamp: t0, ReceivedAt: t0}
			user, anon := fmt.Sprint("u", rng.IntN(12)), fmt.Sprint("a", rng.IntN(30))
			switch rng.IntN(4) {
			case 0:
				e.Type, e.Name, e.AnonymousID = waymark.Track, "Viewed", anon
			case 1:
				e.Type, e.UserID, e.PreviousID = waymark.Alias, user, []string{anon, fmt.Sprint("u", rng.IntN(12))}[rng.IntN(2)]
			default:
				e.Type, e.UserID, e.AnonymousID = waymark.Identify, user, anon
			}
			if link, ok := identity.LinkOf(&e); ok {
				graph.Apply(link)
			}
			batch = append(batch, e)
			if rng.IntN(25) == 0 || n == 299 {
				if _, err := s.Write(ctx, batch, nil); err != nil {
					t.Fatal(err)
				}
				batch = nil
			}
		}
		err := s.ExportEvents(ctx, "p", func(e *waymark.Event, person string) error {
			if want := graph.Person(e.DistinctID()); person != want {
				t.Errorf("seed %d: %s resolves to %s, want %s", seed, e.DistinctID(), person, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
