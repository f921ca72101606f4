package identity

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestPlanProperties applies random link sequences in several ways that must
// agree: all in one batch; one link per batch, and in random batches, through
// an engine that loads only what Plan's contract asks for; through Graph; and
// through a model that applies the rules directly to the whole table. After
// every batch the table's invariants hold, and replaying the links afterwards
// plans nothing.
//
// Most runs start from an empty table, as every table does; some start from
// rows Plan would not have written (as an import might), where persons with
// rows need not be identified.
func TestPlanProperties(t *testing.T) {
	const runs = 5000
	for seed := range uint64(runs) {
		r := rand.New(rand.NewPCG(seed, 1))
		var start []Row
		if r.IntN(4) == 0 {
			start = randomRows(r)
		}
		links := randomLinks(r)
		if err := checkLinks(r, start, links); err != nil {
			t.Fatalf("seed %d: %v\nstarting rows: %v\nlinks:\n%s", seed, err, start, formatLinks(links))
		}
	}
}

func checkLinks(r *rand.Rand, start []Row, links []Link) error {
	imported := len(start) > 0
	newEngine := func() engine {
		e := engine{}
		for _, row := range start {
			e[row.DistinctID] = row
		}
		return e
	}

	// The model: the rules stated once more, on the whole table.
	m := model(newEngine())
	for _, l := range links {
		m.apply(l)
	}
	want := m.rows()

	// All at once.
	once := newEngine()
	once.execute(Plan(once.load(Ids(links)), links))
	if got := once.rows(); !slices.Equal(got, want) {
		return fmt.Errorf("one batch:\n got %v\nwant %v", got, want)
	}
	if !imported {
		empty := engine{}
		empty.execute(Plan(State{}, links))
		if got := empty.rows(); !slices.Equal(got, want) {
			return fmt.Errorf("one batch from an empty state:\n got %v\nwant %v", got, want)
		}
	}

	// One link per batch, loading only what the contract asks for; Plan
	// given the whole table must plan the same.
	single := newEngine()
	for i, l := range links {
		batch := []Link{l}
		changes := Plan(single.load(Ids(batch)), batch)
		if full := Plan(single.load(single.ids()), batch); !slices.Equal(full, changes) {
			return fmt.Errorf("link %d: planned %v from the loaded rows, %v from the whole table", i, changes, full)
		}
		single.execute(changes)
		if err := single.check(imported); err != nil {
			return fmt.Errorf("after link %d: %v", i, err)
		}
	}
	if got := single.rows(); !slices.Equal(got, want) {
		return fmt.Errorf("one link per batch:\n got %v\nwant %v", got, want)
	}

	// Random batches, through Graph.
	g := NewGraph()
	for _, row := range start {
		g.execute(Change{Kind: Assign, DistinctID: row.DistinctID, PersonID: row.PersonID, IsUser: row.IsUser})
	}
	for rest := links; len(rest) > 0; {
		n := 1 + r.IntN(len(rest))
		batch := rest[:n]
		state := g.State(Ids(batch))
		before := maps.Clone(state)
		g.Apply(batch...)
		if !maps.Equal(state, before) {
			return fmt.Errorf("Plan modified its state")
		}
		if err := checkTable(g, imported); err != nil {
			return fmt.Errorf("graph: %v", err)
		}
		rest = rest[n:]
	}
	if got := g.Rows(); !slices.Equal(got, want) {
		return fmt.Errorf("graph in random batches:\n got %v\nwant %v", got, want)
	}
	for _, id := range randomIDs {
		if got, want := g.Person(id), m.person(id); got != want {
			return fmt.Errorf("graph: person of %s is %s, want %s", id, got, want)
		}
	}

	// Links delivered again change nothing.
	if again := Plan(g.State(Ids(links)), links); len(again) > 0 {
		return fmt.Errorf("replay planned %v", again)
	}
	return nil
}

var randomIDs = []string{"U0", "U1", "U2", "U3", "A0", "A1", "A2", "A3", "A4", "A5"}

// randomLinks returns up to 30 links over a few ids: mostly identifies of an
// anonymous id, some aliases, some with ids in unusual roles, a few no-ops.
func randomLinks(r *rand.Rand) []Link {
	user := func() string { return randomIDs[r.IntN(4)] }
	anon := func() string { return randomIDs[4+r.IntN(6)] }
	someID := func() string { return randomIDs[r.IntN(len(randomIDs))] }
	links := make([]Link, r.IntN(31))
	for i := range links {
		switch k := r.IntN(20); {
		case k < 10:
			links[i] = Link{From: anon(), Into: user()}
		case k < 12:
			links[i] = Link{From: someID(), Into: someID()}
		case k < 16:
			links[i] = Link{From: someID(), Into: user(), Alias: true}
		case k < 18:
			links[i] = Link{From: someID(), Into: someID(), Alias: true}
		case k == 18:
			id := someID()
			links[i] = Link{From: id, Into: id, Alias: r.IntN(2) == 0}
		default:
			links[i] = Link{From: someID(), Alias: r.IntN(2) == 0}
			if r.IntN(2) == 0 {
				links[i].From, links[i].Into = "", links[i].From
			}
		}
	}
	return links
}

// randomRows returns a table as an import might leave it: a few persons
// named by anonymous ids, not all of them identified.
func randomRows(r *rand.Rand) []Row {
	var rows []Row
	taken := map[string]bool{}
	for range 1 + r.IntN(3) {
		person := randomIDs[4+r.IntN(6)]
		if taken[person] {
			continue
		}
		taken[person] = true
		rows = append(rows, Row{DistinctID: person, PersonID: person, IsUser: r.IntN(3) == 0})
		for range r.IntN(3) {
			id := randomIDs[r.IntN(len(randomIDs))]
			if !taken[id] {
				taken[id] = true
				rows = append(rows, Row{DistinctID: id, PersonID: person, IsUser: r.IntN(3) == 0})
			}
		}
	}
	return rows
}

func formatLinks(links []Link) string {
	var b strings.Builder
	for _, l := range links {
		if l.Alias {
			fmt.Fprintf(&b, "\talias previousId=%s userId=%s\n", l.From, l.Into)
		} else {
			fmt.Fprintf(&b, "\tidentify userId=%s anonymousId=%s\n", l.Into, l.From)
		}
	}
	return b.String()
}

// model applies the rules as stated, to the whole table at once.
type model map[string]Row

func (m model) person(id string) string {
	if r, ok := m[id]; ok {
		return r.PersonID
	}
	return id
}

func (m model) apply(l Link) {
	if l.From == "" || l.Into == "" || l.From == l.Into {
		return
	}
	from, into := m.person(l.From), m.person(l.Into)
	if from == into {
		return
	}
	identified := false
	for _, r := range m {
		identified = identified || r.PersonID == from && r.IsUser
	}
	if identified && !l.Alias {
		return
	}
	for id, r := range m {
		if r.PersonID == from {
			r.PersonID = into
			m[id] = r
		}
	}
	if _, ok := m[l.From]; !ok {
		m[l.From] = Row{DistinctID: l.From, PersonID: into}
	}
	if _, ok := m[l.Into]; !ok {
		m[l.Into] = Row{DistinctID: l.Into, PersonID: into, IsUser: true}
	}
}

func (m model) rows() []Row {
	return slices.SortedFunc(maps.Values(m), compareRows)
}

func compareRows(a, b Row) int { return strings.Compare(a.DistinctID, b.DistinctID) }

// engine is an identity table kept the way a SQL engine keeps it: loaded with
// the two queries Plan's contract describes and changed by executing
// Assign as an upsert and Move as an UPDATE.
type engine map[string]Row

// load is SELECT distinct_id, person_id, is_user WHERE distinct_id IN ids,
// joined with SELECT person_id, bool_or(is_user) GROUP BY person_id.
func (e engine) load(ids []string) State {
	identified := map[string]bool{}
	for _, r := range e {
		identified[r.PersonID] = identified[r.PersonID] || r.IsUser
	}
	state := State{}
	for _, id := range ids {
		if r, ok := e[id]; ok {
			state[id] = Entry{PersonID: r.PersonID, Identified: identified[r.PersonID]}
		}
	}
	return state
}

func (e engine) ids() []string { return slices.Sorted(maps.Keys(e)) }

func (e engine) execute(changes []Change) {
	for _, c := range changes {
		switch c.Kind {
		case Assign:
			if _, ok := e[c.DistinctID]; ok {
				panic("assign of " + c.DistinctID + ", which has a row")
			}
			e[c.DistinctID] = Row{DistinctID: c.DistinctID, PersonID: c.PersonID, IsUser: c.IsUser}
		case Move:
			for id, r := range e {
				if r.PersonID == c.From {
					r.PersonID = c.Into
					e[id] = r
				}
			}
		default:
			panic("unknown change " + c.Kind.String())
		}
	}
}

func (e engine) rows() []Row { return slices.SortedFunc(maps.Values(e), compareRows) }

// check checks the invariants checkTable checks on a Graph.
func (e engine) check(imported bool) error {
	identified := map[string]bool{}
	for _, r := range e {
		identified[r.PersonID] = identified[r.PersonID] || r.IsUser
	}
	for _, r := range e {
		if own, ok := e[r.PersonID]; !ok || own.PersonID != r.PersonID {
			return fmt.Errorf("row %s -> %s, but %s has no row of its own", r.DistinctID, r.PersonID, r.PersonID)
		}
		if !identified[r.PersonID] && !imported {
			return fmt.Errorf("person %s has rows but is not identified", r.PersonID)
		}
	}
	return nil
}
