package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// testHitsReference writes random events of several persons, some merged by
// identify and alias calls, with some messages sent twice and some of another
// project, then demands for many random queries the hits report.Reference
// finds in the same events.
func testHitsReference(t *testing.T, open Opener, seed uint64) {
	s := open.Must(t)
	rng := rand.New(rand.NewPCG(seed, 11))
	ref := writeRandomEvents(t, s, rng, 400)
	for i := range 80 {
		q := randomQuery(rng)
		want := collectHits(t, ref, q)
		got := collectHits(t, s, q)
		if diff := diffHits(got, want); diff != "" {
			b, _ := json.Marshal(q)
			t.Fatalf("query %d %s:\n%s", i, b, diff)
		}
	}

	// A person's acquisition is the same for any of their ids.
	ctx := context.Background()
	for _, id := range append(slices.Clone(hitAnonymousIDs), "u0", "u1", "u2", "u3") {
		p, err := s.Person(ctx, "p", id)
		if waymark.ErrorKind(err) == waymark.KindNotFound {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceAcquisition(ref, "p", ref.PersonOf(id)); p.Acquisition != want {
			t.Errorf("acquisition of %s's person %s = %+v, want %+v", id, p.ID, p.Acquisition, want)
		}
	}

	// An invalid query fails before it runs; an error of fn ends the stream.
	if err := s.Hits(ctx, report.Query{ProjectID: "p", Breakdown: "nope"}, nil); waymark.ErrorKind(err) != waymark.KindInvalid {
		t.Errorf("breakdown by an unknown field: err = %v, want invalid", err)
	}
	stop := errors.New("stop")
	calls := 0
	err := s.Hits(ctx, report.Query{ProjectID: "p", AllEvents: true}, func(*report.Person) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("fn failing: %d calls, err = %v; want 1 call and its error", calls, err)
	}
}

// referenceAcquisition is the acquisition of a person of the reference's
// events.
func referenceAcquisition(ref *report.Reference, project, person string) waymark.Acquisition {
	var events []*waymark.Event
	for i := range ref.Events {
		if e := &ref.Events[i]; e.ProjectID == project && ref.PersonOf(e.DistinctID()) == person {
			events = append(events, e)
		}
	}
	return report.AcquisitionOf(events)
}

// writeRandomEvents writes n random events (see randomHitEvents) and
// returns the reference that holds what was stored: each message once, in
// storage order, with the persons of project p's identity links.
func writeRandomEvents(t *testing.T, s storage.Store, rng *rand.Rand, n int) *report.Reference {
	t.Helper()
	w := newReferenceWriter()
	for _, batch := range randomHitEvents(rng, n) {
		w.write(t, s, batch)
	}
	return w.ref
}

// referenceWriter writes batches to a store and keeps the reference of what
// it stored: each message once, in storage order, with the persons of
// project p's identity links.
type referenceWriter struct {
	ref    *report.Reference
	graph  *identity.Graph
	stored map[string]bool
}

func newReferenceWriter() *referenceWriter {
	graph := identity.NewGraph()
	return &referenceWriter{ref: &report.Reference{PersonOf: graph.Person}, graph: graph, stored: map[string]bool{}}
}

func (w *referenceWriter) write(t *testing.T, s storage.Store, batch []waymark.Event) {
	t.Helper()
	for _, e := range batch {
		if message := e.ProjectID + "/" + e.MessageID; !w.stored[message] {
			w.stored[message] = true
			if link, ok := identity.LinkOf(&e); ok && e.ProjectID == "p" {
				w.graph.Apply(link)
			}
			w.ref.Events = append(w.ref.Events, e)
		}
	}
	write(t, s, batch...)
}

// testHitsAsDataGrows checks hits against the reference again and again
// while events arrive: late ones, retried ones and identity merges that
// reach back over events an engine may already have indexed, with a
// restart half way.
func testHitsAsDataGrows(t *testing.T, open Opener, seed uint64) {
	s := open(t)
	defer func() { s.Close() }()
	rng := rand.New(rand.NewPCG(seed, 23))
	w := newReferenceWriter()
	batches := randomHitEvents(rng, 300)
	for b, batch := range batches {
		w.write(t, s, batch)
		if b == len(batches)/2 {
			s.Close()
			s = open(t)
		}
		if b%3 != 0 {
			continue
		}
		for i := range 4 {
			q := randomQuery(rng)
			if diff := diffHits(collectHits(t, s, q), collectHits(t, w.ref, q)); diff != "" {
				b2, _ := json.Marshal(q)
				t.Fatalf("after batch %d, query %d %s:\n%s", b, i, b2, diff)
			}
		}
	}
}

// collectHits runs q and copies what it streams.
func collectHits(t *testing.T, source report.Source, q report.Query) []report.Person {
	t.Helper()
	var persons []report.Person
	err := source.Hits(context.Background(), q, func(p *report.Person) error {
		persons = append(persons, report.Person{ID: p.ID, Hits: append([]report.Hit(nil), p.Hits...)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Sources pass persons in an order of their choosing.
	slices.SortFunc(persons, func(a, b report.Person) int { return strings.Compare(a.ID, b.ID) })
	return persons
}

// diffHits describes the first difference between got and want, ignoring
// Seq, which each engine numbers its own way.
func diffHits(got, want []report.Person) string {
	format := func(persons []report.Person) []string {
		var lines []string
		for _, p := range persons {
			for _, h := range p.Hits {
				lines = append(lines, fmt.Sprintf("%s %s mask=%b value=%q revenue=%g", p.ID, h.Time.Format(time.RFC3339Nano), h.Mask, h.Value, h.Revenue))
			}
			lines = append(lines, p.ID+" ends")
		}
		return lines
	}
	g, w := format(got), format(want)
	for i := range max(len(g), len(w)) {
		var gi, wi string
		if i < len(g) {
			gi = g[i]
		}
		if i < len(w) {
			wi = w[i]
		}
		if gi != wi {
			return fmt.Sprintf("line %d of %d:\n got %s\nwant %s", i, len(w), gi, wi)
		}
	}
	return ""
}

var hitTime0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// Pools the random events draw from and the random queries test with.
var (
	// Person ids in byte order differ from any case-insensitive or
	// accent-aware order.
	hitAnonymousIDs = []string{"a0", "a1", "B2", "b3", "Z4", "\u00e95", "e6", "_7"}
	hitNames        = []string{"Signed Up", "Viewed", "Buy", "Home", "caf\u00e9", ""}
	hitPaths        = []string{"/", "/pricing", "/blog/a", "/blog/b/c", "/caf\u00e9", ""}
	hitTitles       = []string{"Pricing", "two\nlines", "\u00c9t\u00e9", ""}
	hitChannels     = []string{waymark.ChannelDirect, waymark.ChannelPaidSearch, waymark.ChannelEmail, ""}
	hitCountries    = []string{"NL", "US", "DE", ""}
	hitSources      = []string{"google", "newsletter", "Google", ""}
	hitCampaigns    = []string{"spring", "caf\u00e9", ""}
	hitReferrers    = []string{"www.google.com", "news.example.com", ""}
	// Members of properties and traits, as written: numbers in several
	// forms, strings with escapes and half a surrogate pair, values that
	// nest the keys other members have at the top, odd keys.
	hitMembers = map[string][]string{
		`"plan"`:   {`"pro"`, `"free"`, `"Pro"`, `""`, `null`, `"pro\nplus"`},
		`"n"`:      {`5`, `12.5`, `12.50`, `-3`, `0`, `1e3`, `"7"`, `"abc"`, `true`, `1234567890123456`, `0.1`},
		`"flag"`:   {`true`, `false`, `null`, `"true"`},
		`"tags"`:   {`["a", "b"]`, `[]`, `[1,{"plan":"x"}]`},
		`"nested"`: {`{"plan":"inner","n":1}`, `{ "a" : [ {"b": {"c": [1, "}"]}} ] }`},
		`"a\"b"`:   {`"quoted"`, `1`},
		`"a.b"`:    {`"dot"`},
		`"\u00e9"`: {`"escaped key"`},
		`"é"`:      {`"plain key"`},
		`"title"`:  {`"caf\u00e9"`, `"\ud83d\ude00 smile"`, `"broken \ud800"`, `"tab\tx"`, `"back\\slash"`, `"quote\"d"`, `"a\u0000b"`},
		`"price"`:  {`19.99`, `"19.99"`, `20`},
		// Deeper than regular expressions can read (storagetest.DeepValue
		// makes more), holding the keys of the top level.
		`"deep"`: {`[[[[[[[[[[{"plan":"deep","n":1}]]]]]]]]]]`, `{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"plan":"deep","title":"]}"}}}}}}}}}}`},
	}
	hitMemberNames = slices.Sorted(maps.Keys(hitMembers))
	hitFields      = []report.Field{
		"type", "name", "path", "title", "channel", "country", "currency",
		"properties.plan", "properties.n", "properties.flag", "properties.tags", "properties.nested",
		`properties.a"b`, "properties.a.b", "properties.\u00e9", "properties.title", "properties.price",
		"properties.missing", "properties.deep", "traits.plan", "traits.n", "traits.title",
		"person.plan", "person.n", "person.title", "person.missing",
		"acquisition.channel", "acquisition.utm_source", "acquisition.utm_campaign", "acquisition.referrer_host",
		"acquisition.landing_page", "acquisition.first_seen",
	}
	hitValues = []string{
		"pro", "free", "Pro", "pro\nplus", "5", "12.5", "12.50", "7", "1e3", "true", "quoted", "dot",
		"caf\u00e9", "Buy", "Home", "Signed Up", "/pricing", "/blog/a", "NL", "US", "EUR", "track", "page", "identify",
		"Email", "19.99", "[]", `["a", "b"]`, "plain key", "escaped key", "a\x00b", "deep", "google", "spring",
		"www.google.com", "2026-03-04", "",
	}
	hitNumbers = []string{"0", "5", "7", "12.5", "12.50", "-3", "19.99", "20", "0.1", "1000"}
	hitRegexes = []string{
		"", "^/blog", "b.c", "(?i)PRO", "pro.plus", "(?s)pro.plus", "two.lines", "^two$", "(?m)^two$", "lines$",
		"^.{4}$", "\u00e9", "(?i)\u00c9T", "[0-9]+", `\d\.\d`, "^[^/]", "a|b", "^(free|pro)$", `\pL+`, "^$", "s$",
		"^2026-03-0[34]$", "(?i)^g", "deep",
	}
	hitGlobs = []string{"/blog/*", "*", "/pricing", "/*/c", "*a*", "/caf\u00e9"}
	hitOps   = []report.Op{
		report.Equals, report.NotEquals, report.Contains, report.NotContains, report.Matches, report.In, report.NotIn,
		report.Greater, report.GreaterEq, report.Less, report.LessEq, report.IsSet, report.IsNotSet,
	}
)

func pick[T any](rng *rand.Rand, pool []T) T { return pool[rng.IntN(len(pool))] }

// randomHitEvents returns n events in random batches, mostly of project p,
// with a retry of an earlier message now and then.
func randomHitEvents(rng *rand.Rand, n int) [][]waymark.Event {
	var batches [][]waymark.Event
	var batch, all []waymark.Event
	for i := range n {
		// Whole microseconds, as stored, with ties.
		at := hitTime0.Add(time.Duration(rng.IntN(7200))*time.Second + time.Duration(rng.IntN(3))*time.Microsecond)
		e := waymark.Event{
			ProjectID: "p", MessageID: fmt.Sprint("h", i), Timestamp: at, ReceivedAt: at,
			AnonymousID: pick(rng, hitAnonymousIDs),
			Properties:  RandomObject(rng),
			Campaign: waymark.Campaign{Channel: pick(rng, hitChannels), Source: pick(rng, hitSources),
				Name: pick(rng, hitCampaigns), Medium: pick(rng, []string{"cpc", ""}), Content: pick(rng, []string{"ad1", ""})},
			Page: waymark.PageInfo{ReferrerHost: pick(rng, hitReferrers)},
			Geo:  waymark.Geo{Country: pick(rng, hitCountries)},
		}
		if rng.IntN(8) == 0 { // a first event on another day
			e.Timestamp = e.Timestamp.Add(-24 * time.Hour)
			e.ReceivedAt = e.Timestamp
		}
		if rng.IntN(10) == 0 {
			e.ProjectID = "other"
		}
		switch rng.IntN(8) {
		case 0:
			e.Type, e.UserID, e.Traits = waymark.Identify, fmt.Sprint("u", rng.IntN(4)), RandomObject(rng)
		case 1:
			e.Type, e.UserID, e.PreviousID, e.AnonymousID = waymark.Alias, fmt.Sprint("u", rng.IntN(4)), e.AnonymousID, ""
		case 2, 3, 4:
			e.Type, e.Name = pick(rng, []waymark.MessageType{waymark.Page, waymark.Page, waymark.Screen}), pick(rng, hitNames)
			e.Page.Path, e.Page.Title = pick(rng, hitPaths), pick(rng, hitTitles)
		default:
			e.Type, e.Name = waymark.Track, pick(rng, hitNames)
			if rng.IntN(4) == 0 {
				e.Revenue = &waymark.Money{Amount: 9.5, Currency: pick(rng, []string{"EUR", "USD", ""})}
			}
		}
		if e.Type != waymark.Alias && rng.IntN(3) == 0 {
			e.UserID = fmt.Sprint("u", rng.IntN(4))
		}
		batch = append(batch, e)
		all = append(all, e)
		if rng.IntN(15) == 0 {
			batch = append(batch, all[rng.IntN(len(all))])
		}
		if rng.IntN(20) == 0 || i == n-1 {
			batches = append(batches, batch)
			batch = nil
		}
	}
	return batches
}

// RandomObject returns a JSON object of random members, sometimes one
// member twice, with random spaces between the parts, and now and then a
// member nested deeper than regular expressions can read that holds the
// keys of the top level; or no object at all, or a list, which has no
// members.
func RandomObject(rng *rand.Rand) json.RawMessage {
	switch rng.IntN(12) {
	case 0, 1:
		return nil
	case 2:
		return json.RawMessage(`[{"plan":"pro"}]`)
	}
	space := func() string { return pick(rng, []string{"", " ", "\n\t"}) }
	var members []string
	for range rng.IntN(6) {
		name := pick(rng, hitMemberNames)
		value := pick(rng, hitMembers[name])
		if rng.IntN(6) == 0 {
			value = DeepValue(rng, 9+rng.IntN(6))
		}
		members = append(members, name+space()+":"+space()+value)
	}
	return json.RawMessage(space() + "{" + space() + strings.Join(members, space()+","+space()) + space() + "}")
}

// DeepValue returns a JSON value that nests lists and objects depth levels
// deep around an object of members that the top level of RandomObject
// has, with brackets, commas and colons inside strings along the way.
func DeepValue(rng *rand.Rand, depth int) string {
	if depth == 0 {
		var members []string
		for range 1 + rng.IntN(3) {
			name := pick(rng, hitMemberNames)
			members = append(members, name+":"+pick(rng, hitMembers[name]))
		}
		return "{" + strings.Join(members, ",") + "}"
	}
	inner := DeepValue(rng, depth-1)
	switch rng.IntN(4) {
	case 0:
		return "[" + inner + "]"
	case 1:
		return `[1, "]}", ` + inner + `, {"plan" : "x"}]`
	case 2:
		return `{"plan":"shadow","k":` + inner + "}"
	}
	return `{ "a\"b" : "{[:,", "n" : ` + inner + ` }`
}

// randomQuery returns a valid query of project p over the pools.
func randomQuery(rng *rand.Rand) report.Query {
	q := report.Query{ProjectID: "p", AllEvents: rng.IntN(4) == 0, Revenue: rng.IntN(2) == 0}
	bound := func() time.Time {
		if rng.IntN(3) == 0 {
			return time.Time{}
		}
		return hitTime0.Add(time.Duration(rng.Int64N(int64(2 * time.Hour))))
	}
	q.From, q.To = bound(), bound()
	if rng.IntN(3) > 0 {
		q.Breakdown = pick(rng, hitFields)
	}
	// Each touchpoint is a bit of the hits' masks: many touchpoints test many
	// conditions at the price of one query.
	for range rng.IntN(12) {
		var tp report.Touchpoint
		if rng.IntN(3) == 0 {
			tp.Event = pick(rng, hitNames[:5])
		}
		if rng.IntN(4) == 0 {
			tp.Type = pick(rng, []string{"track", "page", "identify"})
		}
		if rng.IntN(4) == 0 {
			tp.Path = pick(rng, hitGlobs)
		}
		for range rng.IntN(4) {
			tp.Where = append(tp.Where, randomCondition(rng))
		}
		q.Touchpoints = append(q.Touchpoints, tp)
	}
	return q
}

func randomCondition(rng *rand.Rand) report.Condition {
	c := report.Condition{Field: pick(rng, hitFields), Op: pick(rng, hitOps)}
	switch c.Op {
	case report.In, report.NotIn:
		for range 1 + rng.IntN(3) {
			c.Values = append(c.Values, pick(rng, hitValues))
		}
	case report.Matches:
		c.Value = pick(rng, hitRegexes)
	case report.Greater, report.GreaterEq, report.Less, report.LessEq:
		c.Value = pick(rng, hitNumbers)
	case report.IsSet, report.IsNotSet:
	default:
		c.Value = pick(rng, hitValues)
	}
	return c
}
