// Package identity decides which distinct ids belong to the same person.
//
// Every event has a distinct id: its userId if present, else its anonymousId.
// Persons are resolved at query time through an identity table of rows
// (distinct_id, person_id, is_user); is_user says the row was made for a
// userId. A distinct id without a row is its own person, so
// visitors who never sign up cost no row. Queries resolve a person with
//
//	COALESCE(identities.person_id, events.distinct_id)
//
// which makes merges retroactive: once an id joins a person, all of its
// earlier events belong to that person too.
//
// The table keeps one invariant: every person id that appears in a row also
// has a row of its own, pointing to itself. A distinct id without a row is
// therefore never anyone else's person.
//
// Rows change only through [Link]s, applied in ingest order by [Plan]:
//
//   - An identify carrying userId U and anonymousId A merges A's person into
//     U's person, unless A's person is already identified (has an is_user
//     row) and is not U's person. That is a conflict, typically a second
//     user logging in on a shared device, and nothing changes.
//   - An alias with previousId P and userId U always merges P's person into
//     U's person, even when both are identified.
//
// The surviving person id is U's person id; when U has no row yet, that is U
// itself, so a person's id is normally the first userId they were identified
// with.
//
// Rows are only ever inserted, and their person later moved; is_user is set
// on a row inserted for the userId of a link and never changes. Every person
// with rows therefore has an is_user row: it is identified.
package identity

import (
	"maps"
	"slices"
	"strconv"

	"github.com/waymark-analytics/waymark"
)

// Link is an instruction to merge From's person into Into's person.
type Link struct {
	From  string // anonymousId of an identify, or previousId of an alias
	Into  string // userId
	Alias bool   // alias merges even two identified persons
}

// LinkOf returns the link e carries: an identify with both a userId and an
// anonymousId, or an alias with both a previousId and a userId. Other events,
// and links whose two ids are equal, carry none.
func LinkOf(e *waymark.Event) (Link, bool) {
	var l Link
	switch e.Type {
	case waymark.Identify:
		l = Link{From: e.AnonymousID, Into: e.UserID}
	case waymark.Alias:
		l = Link{From: e.PreviousID, Into: e.UserID, Alias: true}
	default:
		return Link{}, false
	}
	if l.noop() {
		return Link{}, false
	}
	return l, true
}

// noop reports whether l can never change the table: an empty side, or a
// link from an id to itself.
func (l Link) noop() bool {
	return l.From == "" || l.Into == "" || l.From == l.Into
}

// Entry is what the identity table says about one distinct id that has a row.
type Entry struct {
	PersonID   string
	Identified bool // the person has at least one is_user row
}

// State is the current entries of the distinct ids a batch of links touches.
// Ids without a row are absent.
type State map[string]Entry

// ChangeKind says what a Change does to the identity table.
type ChangeKind int

const (
	// Assign inserts the row DistinctID -> PersonID with IsUser. Plan only
	// assigns ids that have no row.
	Assign ChangeKind = iota + 1
	// Move gives every row of person From to person Into:
	// UPDATE identities SET person_id = Into WHERE person_id = From.
	Move
)

func (k ChangeKind) String() string {
	switch k {
	case Assign:
		return "assign"
	case Move:
		return "move"
	}
	return "ChangeKind(" + strconv.Itoa(int(k)) + ")"
}

// Change is one write to the identity table. Engines execute a batch's changes
// in order, in the transaction that stores the batch's events.
type Change struct {
	Kind ChangeKind

	// Assign: the row to write.
	DistinctID string
	PersonID   string
	IsUser     bool

	// Move: the person whose rows move, and the person they move to.
	From string
	Into string
}

// String returns the change as the test data writes it:
// "assign A1 -> U1", "assign U1 -> U1 user" or "move U1 -> U2".
func (c Change) String() string {
	switch c.Kind {
	case Assign:
		s := "assign " + c.DistinctID + " -> " + c.PersonID
		if c.IsUser {
			s += " user"
		}
		return s
	case Move:
		return "move " + c.From + " -> " + c.Into
	}
	return c.Kind.String()
}

// Ids returns, sorted and without repeats, the distinct ids whose rows Plan
// needs to plan links: both sides of every link that is not a no-op.
func Ids(links []Link) []string {
	var ids []string
	for _, l := range links {
		if !l.noop() {
			ids = append(ids, l.From, l.Into)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Plan returns the changes that apply links, in order, to the identity table
// whose relevant rows are state. Later links see the effect of earlier ones,
// no-ops and conflicts produce no change, applying the same links again
// produces none, and the result depends only on the arguments. Plan does not
// modify state.
//
// State must hold exactly what the table says, at the moment the changes
// will be executed, about every id in Ids(links) (and may hold more):
//
//   - an id with a row r maps to Entry{PersonID: r.person_id,
//     Identified: whether any row with person_id = r.person_id has is_user};
//   - an id without a row is absent: Plan takes absence to mean that the id
//     is its own person and that no row points to it.
//
// An engine loads it with one query, for the ids of the batch's project:
//
//	SELECT i.distinct_id, i.person_id, p.identified
//	FROM identities i
//	JOIN (SELECT person_id, bool_or(is_user) AS identified
//	      FROM identities
//	      WHERE person_id IN (SELECT person_id FROM identities WHERE distinct_id IN (...))
//	      GROUP BY person_id) p ON p.person_id = i.person_id
//	WHERE i.distinct_id IN (...)
//
// It must read these rows in the transaction that then executes the changes,
// and no other writer may change the project's identity rows between the
// read and the commit (serialize identity writes per project), or the plan
// is made against a stale table. Rows of persons the batch touches but whose
// ids it does not name need not be loaded: a Move rewrites them in the table.
func Plan(state State, links []Link) []Change {
	p := planner{state: maps.Clone(state)}
	if p.state == nil {
		p.state = State{}
	}
	for _, l := range links {
		p.link(l)
	}
	return p.changes
}

// planner applies links to its own copy of the state, recording the changes
// that do the same to the table.
type planner struct {
	state   State
	changes []Change
}

func (p *planner) link(l Link) {
	if l.noop() {
		return
	}
	from, fromHasRow := p.state[l.From]
	into, intoHasRow := p.state[l.Into]
	fromPerson, intoPerson := l.From, l.Into
	if fromHasRow {
		fromPerson = from.PersonID
	}
	if intoHasRow {
		intoPerson = into.PersonID
	}
	if fromPerson == intoPerson {
		return // already one person
	}
	// from.Identified is false when From has no row: it is then an anonymous
	// singleton.
	if from.Identified && !l.Alias {
		return // conflict: From belongs to another identified person
	}
	if fromHasRow {
		// fromPerson has its own row, by the invariant: move them all.
		p.move(fromPerson, intoPerson)
	} else {
		// From is a singleton and no row points to it.
		p.assign(l.From, intoPerson, false)
	}
	if !intoHasRow {
		// intoPerson is Into: this is the person's own row.
		p.assign(l.Into, intoPerson, true)
	}
	identified := from.Identified || into.Identified || !intoHasRow
	for id, e := range p.state {
		if e.PersonID == intoPerson {
			e.Identified = identified
			p.state[id] = e
		}
	}
}

func (p *planner) assign(id, person string, isUser bool) {
	p.changes = append(p.changes, Change{Kind: Assign, DistinctID: id, PersonID: person, IsUser: isUser})
	p.state[id] = Entry{PersonID: person}
}

func (p *planner) move(from, into string) {
	p.changes = append(p.changes, Change{Kind: Move, From: from, Into: into})
	for id, e := range p.state {
		if e.PersonID == from {
			e.PersonID = into
			p.state[id] = e
		}
	}
}
