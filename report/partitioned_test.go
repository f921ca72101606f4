package report

import (
	"context"
	"encoding/json"
	"testing"
)

// partitioned passes a Reference's persons to three workers in turn, as a
// Partitioned source would: each worker's state must add up to the whole.
type partitioned struct{ *Reference }

func (partitioned) Workers() int { return 3 }

func (p partitioned) HitsPartitioned(ctx context.Context, q Query, fn func(worker int, p *Person) error) error {
	n := 0
	return p.Reference.Hits(ctx, q, func(person *Person) error {
		n++
		return fn((n+1)%3, person) // worker 0 gets the third person first
	})
}

var _ Partitioned = partitioned{}

// samePartitioned fails when the answer of run differs on a partitioned
// copy of the source.
func samePartitioned(t *testing.T, src *Reference, run func(Dataset) (any, error)) {
	t.Helper()
	want, err := run(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := run(partitioned{src})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Errorf("with three workers:\n got %s\nwant %s", b, a)
	}
}
