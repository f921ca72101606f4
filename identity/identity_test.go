package identity

import (
	"slices"
	"testing"

	"github.com/waymark-analytics/waymark"
)

func TestLinkOf(t *testing.T) {
	tests := []struct {
		name  string
		event waymark.Event
		want  Link
		ok    bool
	}{
		{"identify", waymark.Event{Type: waymark.Identify, UserID: "U1", AnonymousID: "A1"}, Link{From: "A1", Into: "U1"}, true},
		{"alias", waymark.Event{Type: waymark.Alias, UserID: "U2", PreviousID: "U1"}, Link{From: "U1", Into: "U2", Alias: true}, true},
		{"alias ignores the anonymousId", waymark.Event{Type: waymark.Alias, UserID: "U2", AnonymousID: "A1", PreviousID: "U1"}, Link{From: "U1", Into: "U2", Alias: true}, true},
		{"identify without anonymousId", waymark.Event{Type: waymark.Identify, UserID: "U1"}, Link{}, false},
		{"identify without userId", waymark.Event{Type: waymark.Identify, AnonymousID: "A1"}, Link{}, false},
		{"identify with equal ids", waymark.Event{Type: waymark.Identify, UserID: "U1", AnonymousID: "U1"}, Link{}, false},
		{"alias without previousId", waymark.Event{Type: waymark.Alias, UserID: "U1", AnonymousID: "A1"}, Link{}, false},
		{"alias to self", waymark.Event{Type: waymark.Alias, UserID: "U1", PreviousID: "U1"}, Link{}, false},
		{"track with both ids", waymark.Event{Type: waymark.Track, UserID: "U1", AnonymousID: "A1"}, Link{}, false},
		{"page with both ids", waymark.Event{Type: waymark.Page, UserID: "U1", AnonymousID: "A1"}, Link{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := LinkOf(&tt.event)
			if got != tt.want || ok != tt.ok {
				t.Errorf("LinkOf = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestIds(t *testing.T) {
	links := []Link{
		{From: "A2", Into: "U1"},
		{From: "A1", Into: "U1"},
		{From: "U1", Into: "U2", Alias: true},
		{From: "X", Into: "X"},
		{From: "", Into: "Y"},
		{From: "Z", Into: ""},
	}
	want := []string{"A1", "A2", "U1", "U2"}
	if got := Ids(links); !slices.Equal(got, want) {
		t.Errorf("Ids = %v, want %v", got, want)
	}
	if got := Ids(nil); len(got) != 0 {
		t.Errorf("Ids(nil) = %v, want none", got)
	}
}

func TestPlanNoOps(t *testing.T) {
	links := []Link{
		{From: "", Into: "U1"},
		{From: "A1", Into: ""},
		{From: "A1", Into: "A1"},
		{From: "U1", Into: "U1", Alias: true},
	}
	if got := Plan(nil, links); got != nil {
		t.Errorf("Plan = %v, want nil", got)
	}
	if got := Plan(State{}, nil); got != nil {
		t.Errorf("Plan of no links = %v, want nil", got)
	}
}

func TestPlanDoesNotModifyState(t *testing.T) {
	state := State{
		"A1": {PersonID: "U1", Identified: true},
		"U1": {PersonID: "U1", Identified: true},
	}
	Plan(state, []Link{{From: "U1", Into: "U2", Alias: true}, {From: "A2", Into: "U2"}})
	want := State{
		"A1": {PersonID: "U1", Identified: true},
		"U1": {PersonID: "U1", Identified: true},
	}
	if len(state) != len(want) || state["A1"] != want["A1"] || state["U1"] != want["U1"] {
		t.Errorf("state became %v", state)
	}
}

// A person whose rows carry no is_user flag (written by something other than
// Plan, such as an import) is not identified, so identify merges it.
func TestPlanUnidentifiedPersonWithRows(t *testing.T) {
	state := State{
		"A1": {PersonID: "A0"},
		"U1": {PersonID: "U1", Identified: true},
	}
	got := Plan(state, []Link{{From: "A1", Into: "U1"}})
	want := []Change{{Kind: Move, From: "A0", Into: "U1"}}
	if !slices.Equal(got, want) {
		t.Errorf("Plan = %v, want %v", got, want)
	}
}

func TestChangeString(t *testing.T) {
	tests := []struct {
		change Change
		want   string
	}{
		{Change{Kind: Assign, DistinctID: "A1", PersonID: "U1"}, "assign A1 -> U1"},
		{Change{Kind: Assign, DistinctID: "U1", PersonID: "U1", IsUser: true}, "assign U1 -> U1 user"},
		{Change{Kind: Move, From: "U1", Into: "U2"}, "move U1 -> U2"},
		{Change{Kind: 9}, "ChangeKind(9)"},
	}
	for _, tt := range tests {
		if got := tt.change.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestGraphMembers(t *testing.T) {
	g := NewGraph()
	g.Apply(Link{From: "A1", Into: "U1"}, Link{From: "A2", Into: "U1"})
	tests := []struct {
		person string
		want   []string
	}{
		{"U1", []string{"A1", "A2", "U1"}},
		{"A3", []string{"A3"}}, // a singleton without rows
		{"A1", nil},            // a member, not a person
	}
	for _, tt := range tests {
		if got := g.Members(tt.person); !slices.Equal(got, tt.want) {
			t.Errorf("Members(%s) = %v, want %v", tt.person, got, tt.want)
		}
	}
}
