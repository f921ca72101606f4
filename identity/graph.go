package identity

import (
	"maps"
	"slices"
	"strings"
)

// Row is one row of the identity table.
type Row struct {
	DistinctID string
	PersonID   string
	IsUser     bool
}

// Graph is a complete identity table held in memory. It applies links the
// way an engine does, by loading the State that Plan needs and executing the
// changes Plan returns, so it serves as the reference for the pure-Go report
// evaluator and for engines' conformance tests.
type Graph struct {
	rows    map[string]Row
	members map[string]map[string]bool // person id -> distinct ids with a row of that person
}

// NewGraph returns an empty identity table.
func NewGraph() *Graph {
	return &Graph{rows: map[string]Row{}, members: map[string]map[string]bool{}}
}

// Apply applies links, in order, as one batch.
func (g *Graph) Apply(links ...Link) {
	for _, c := range Plan(g.State(Ids(links)), links) {
		g.execute(c)
	}
}

// State returns what the table says about ids, exactly as Plan requires an
// engine to load it: an entry for every id with a row, none for the others.
func (g *Graph) State(ids []string) State {
	state := State{}
	for _, id := range ids {
		if r, ok := g.rows[id]; ok {
			state[id] = Entry{PersonID: r.PersonID, Identified: g.identified(r.PersonID)}
		}
	}
	return state
}

func (g *Graph) identified(person string) bool {
	for id := range g.members[person] {
		if g.rows[id].IsUser {
			return true
		}
	}
	return false
}

// execute applies one change to the table.
func (g *Graph) execute(c Change) {
	switch c.Kind {
	case Assign:
		if old, ok := g.rows[c.DistinctID]; ok {
			g.leave(old.PersonID, c.DistinctID)
		}
		g.rows[c.DistinctID] = Row{DistinctID: c.DistinctID, PersonID: c.PersonID, IsUser: c.IsUser}
		g.join(c.PersonID, c.DistinctID)
	case Move:
		if c.From == c.Into {
			return
		}
		for id := range g.members[c.From] {
			r := g.rows[id]
			r.PersonID = c.Into
			g.rows[id] = r
			g.join(c.Into, id)
		}
		delete(g.members, c.From)
	}
}

func (g *Graph) join(person, id string) {
	if g.members[person] == nil {
		g.members[person] = map[string]bool{}
	}
	g.members[person][id] = true
}

func (g *Graph) leave(person, id string) {
	delete(g.members[person], id)
	if len(g.members[person]) == 0 {
		delete(g.members, person)
	}
}

// Person returns the person distinctID belongs to: its row's person id, or
// distinctID itself when it has no row.
func (g *Graph) Person(distinctID string) string {
	if r, ok := g.rows[distinctID]; ok {
		return r.PersonID
	}
	return distinctID
}

// Members returns the sorted distinct ids of the person personID. A person
// without rows has the single member personID; an id that belongs to another
// person is not a person id and has no members.
func (g *Graph) Members(personID string) []string {
	if g.Person(personID) != personID {
		return nil
	}
	if len(g.members[personID]) == 0 {
		return []string{personID}
	}
	return slices.Sorted(maps.Keys(g.members[personID]))
}

// Rows returns every row, sorted by distinct id in byte order, to compare
// with an engine's table (SELECT distinct_id, person_id, is_user ... ORDER BY
// distinct_id, under a binary collation).
func (g *Graph) Rows() []Row {
	return slices.SortedFunc(maps.Values(g.rows), func(a, b Row) int {
		return strings.Compare(a.DistinctID, b.DistinctID)
	})
}
