package storage

import (
	"fmt"
	"testing"

	"github.com/waymark-analytics/waymark"
)

func TestDuplicates(t *testing.T) {
	event := func(project, id string) waymark.Event { return waymark.Event{ProjectID: project, MessageID: id} }
	stored := []waymark.Event{event("p", "old")}
	tests := []struct {
		name   string
		events []waymark.Event
		want   string
		asked  int // hashes the store was asked to confirm
	}{
		{"new messages cost no query", []waymark.Event{event("p", "a"), event("p", "b")}, "[false false]", 0},
		{"repeated within the call", []waymark.Event{event("p", "a"), event("p", "a")}, "[false true]", 0},
		{"same id in another project", []waymark.Event{event("p", "a"), event("q", "a")}, "[false false]", 0},
		{"stored before", []waymark.Event{event("p", "old"), event("p", "new")}, "[true false]", 1},
		{"stored id, other project", []waymark.Event{event("q", "old")}, "[false]", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := NewMessageSet([]int64{MessageHash("p", "old")})
			hashes := make([]int64, len(tt.events))
			for i, e := range tt.events {
				hashes[i] = MessageHash(e.ProjectID, e.MessageID)
			}
			asked := 0
			dup, err := set.Duplicates(tt.events, hashes, func(h []int64) (map[Message]bool, error) {
				asked += len(h)
				found := map[Message]bool{}
				for _, e := range stored {
					found[Message{e.ProjectID, e.MessageID}] = true
				}
				return found, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(dup) != tt.want || asked != tt.asked {
				t.Errorf("duplicates = %v after confirming %d hashes, want %s after %d", dup, asked, tt.want, tt.asked)
			}
		})
	}
}

func TestHashCollisionIsConfirmed(t *testing.T) {
	// A hash in the set whose message is not stored must not drop the event.
	set := NewMessageSet([]int64{MessageHash("p", "a")})
	dup, err := set.Duplicates([]waymark.Event{{ProjectID: "p", MessageID: "a"}}, []int64{MessageHash("p", "a")},
		func([]int64) (map[Message]bool, error) { return map[Message]bool{}, nil })
	if err != nil || dup[0] {
		t.Errorf("duplicate = %v, %v; want kept when the store does not confirm", dup, err)
	}
}

func TestMessageSetFoldsAddedHashes(t *testing.T) {
	set := NewMessageSet([]int64{5, 1, 3, 3})
	for h := int64(100); h < 2200; h++ {
		set.Add(h)
	}
	set.fold()
	if len(set.added) != 0 || len(set.sorted) != 3+2100 {
		t.Fatalf("after fold: %d added, %d sorted; want 0 and %d", len(set.added), len(set.sorted), 3+2100)
	}
	set.Add(7)
	set.Remove(7)
	for _, tt := range []struct {
		hash int64
		want bool
	}{{1, true}, {3, true}, {5, true}, {2, false}, {7, false}, {100, true}, {2199, true}, {2200, false}} {
		if got := set.Has(tt.hash); got != tt.want {
			t.Errorf("Has(%d) = %v, want %v", tt.hash, got, tt.want)
		}
	}
}
