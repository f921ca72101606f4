package report

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestAttemptsAgainstEveryWay compares the evaluator's attempts with a search
// over every way of doing the steps, on many small random persons: the
// furthest step, the first hit that does it, and the way reported (each step
// in turn at the earliest hit that still gets there, optional steps done
// when they can be).
func TestAttemptsAgainstEveryWay(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	names := []string{"A", "B", "C", "X", "Y"}
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	for round := range 20000 {
		f := smallFunnel(rng)
		if err := f.normalize(); err != nil {
			t.Fatal(err)
		}
		_, p, _ := f.query("")
		var events []string
		var hits []Hit
		at := start
		for i := range 1 + rng.IntN(9) {
			at = at.Add(time.Duration(rng.IntN(4)) * time.Minute)
			name := names[rng.IntN(len(names))]
			events = append(events, name)
			hits = append(hits, Hit{Time: at, Seq: int64(i), Mask: maskOf(f, name)})
		}
		ahead := p.lookahead(hits)
		bestEntry, bestLast := -1, -1
		for e := range hits {
			if !p.entry(&hits[e]) {
				continue
			}
			label := fmt.Sprintf("round %d: funnel %+v, events %v %v, entry %d", round, f, events, times(hits), e)
			last, doneAt := p.furthest(hits, e, ahead, -1)
			a := p.attempt(hits, e, last, doneAt)
			if last > bestLast {
				bestEntry, bestLast = e, last
			}
			if f.Order == AnyOrder {
				want := mostSteps(f, events, hits, e)
				if got := slices.Clone(a.done[:a.last+1]); !slices.Equal(got, want) {
					t.Fatalf("%s: steps done by hits %v, want %v", label, got, want)
				}
				continue
			}
			ways := everyWay(f, events, hits, e)
			wantLast, wantAt, wantWay := chooseWay(ways)
			if last != wantLast || doneAt != wantAt {
				t.Fatalf("%s: furthest step %d first at hit %d, want %d at %d (ways %v)", label, last, doneAt, wantLast, wantAt, ways)
			}
			if a.last != wantLast || !slices.Equal(a.done, wantWay) || a.end != wantAt {
				t.Fatalf("%s: reported %v (last %d, end %d), want %v (ways %v)", label, a.done, a.last, a.end, wantWay, ways)
			}
		}
		// best skips entries that cannot get further: it must still find
		// the earliest of the furthest.
		if a, ok := p.best(hits); ok != (bestEntry >= 0) || ok && (a.entry != bestEntry || a.last != bestLast) {
			t.Fatalf("round %d: funnel %+v, events %v: best entry %d (step %d), want %d (step %d)", round, f, events, a.entry, a.last, bestEntry, bestLast)
		}
	}
}

func times(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Time.Format("15:04"))
	}
	return out
}

func smallFunnel(rng *rand.Rand) Funnel {
	f := Funnel{
		Window: Duration(time.Duration(3+rng.IntN(12)) * time.Minute),
		Order:  []Order{Ordered, Ordered, Strict, AnyOrder}[rng.IntN(4)],
		Now:    time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
	}
	n := 2 + rng.IntN(3)
	for k := range n {
		s := Step{Touchpoints: []Touchpoint{{Event: []string{"A", "B", "C"}[rng.IntN(3)]}}}
		if rng.IntN(3) == 0 {
			s.Touchpoints = append(s.Touchpoints, Touchpoint{Event: []string{"A", "B", "C", "X"}[rng.IntN(4)]})
		}
		if f.Order != AnyOrder && k > 0 && k < n-1 && rng.IntN(2) == 0 {
			s.Optional = true
		}
		if f.Order != AnyOrder && k > 0 && rng.IntN(3) == 0 {
			s.Window = Duration(time.Duration(1+rng.IntN(5)) * time.Minute)
		}
		f.Steps = append(f.Steps, s)
	}
	if f.Order == Ordered && rng.IntN(2) == 0 {
		after := 1 + rng.IntN(n-1)
		before := after + 1 + rng.IntN(n-after)
		f.Exclusions = []Exclusion{{Touchpoint: Touchpoint{Event: []string{"X", "B"}[rng.IntN(2)]}, After: after, Before: before}}
	}
	return f
}

// maskOf is the Hit.Mask of an event named name, as the funnel's query numbers
// its touchpoints: the steps', then the exclusions'.
func maskOf(f Funnel, name string) uint64 {
	var mask uint64
	bit := 0
	for _, s := range f.Steps {
		for _, tp := range s.Touchpoints {
			if tp.Event == name {
				mask |= 1 << bit
			}
			bit++
		}
	}
	for _, x := range f.Exclusions {
		if x.Touchpoint.Event == name {
			mask |= 1 << bit
		}
		bit++
	}
	return mask
}

func does(s Step, name string) bool {
	return slices.ContainsFunc(s.Touchpoints, func(tp Touchpoint) bool { return tp.Event == name })
}

// way[k] is the hit that does step k, or -1; the last entry set is the
// furthest step.
type way []int

func (w way) furthest() (step, hit int) {
	for k := len(w) - 1; k >= 0; k-- {
		if w[k] >= 0 {
			return k, w[k]
		}
	}
	return -1, -1
}

// everyWay lists every way of doing the funnel's steps in order from the
// entry, straight from the rules in docs/reports.md.
func everyWay(f Funnel, events []string, hits []Hit, entry int) []way {
	n := len(f.Steps)
	deadline := hits[entry].Time.Add(time.Duration(f.Window))
	var out []way
	var grow func(w way, k, j int)
	grow = func(w way, k, j int) {
		out = append(out, slices.Clone(w))
		for k2 := k + 1; k2 < n; k2++ {
			for j2 := j + 1; j2 < len(hits); j2++ {
				h := hits[j2]
				if h.Time.After(deadline) {
					break
				}
				if ended(f, events, k, j, j2) {
					break
				}
				window := time.Duration(f.Steps[k2].Window)
				if does(f.Steps[k2], events[j2]) && (window == 0 || h.Time.Sub(hits[j].Time) <= window) {
					w[k2] = j2
					grow(w, k2, j2)
					w[k2] = -1
				}
			}
			if !f.Steps[k2].Optional {
				break
			}
		}
	}
	w := make(way, n)
	for k := range w {
		w[k] = -1
	}
	w[0] = entry
	grow(w, 0, entry)
	return out
}

// ended reports whether a way at step k, done at hit j, ends before it can
// use hit j2: at a hit in between that is an exclusion for step k, or any
// hit in between in strict order.
func ended(f Funnel, events []string, k, j, j2 int) bool {
	for x := j + 1; x < j2; x++ {
		if f.Order == Strict {
			return true
		}
		for _, e := range f.Exclusions {
			if e.Touchpoint.Event == events[x] && k+1 >= e.After && k+1 < e.Before {
				return true
			}
		}
	}
	return false
}

// chooseWay picks the way to report: the furthest step, done at the
// earliest hit that does it; then, step by step, the earliest hit, a step
// done before a step skipped.
func chooseWay(ways []way) (last, at int, chosen way) {
	last, at = -1, -1
	for _, w := range ways {
		k, j := w.furthest()
		if k > last || (k == last && j < at) {
			last, at = k, j
		}
	}
	for _, w := range ways {
		if k, j := w.furthest(); k != last || j != at {
			continue
		}
		if chosen == nil || earlierWay(w, chosen, last) {
			chosen = w
		}
	}
	return last, at, chosen
}

func earlierWay(a, b way, last int) bool {
	for k := 1; k < last; k++ {
		x, y := a[k], b[k]
		if x == y {
			continue
		}
		if x < 0 {
			return false
		}
		return y < 0 || x < y
	}
	return false
}

// mostSteps is what an any-order attempt should report: done[k] is the
// first hit by which k+1 steps can have been done by distinct hits within
// the window.
func mostSteps(f Funnel, events []string, hits []Hit, entry int) []int {
	deadline := hits[entry].Time.Add(time.Duration(f.Window))
	var done []int
	for j := entry; j < len(hits) && !hits[j].Time.After(deadline); j++ {
		if matching(f.Steps, events[entry:j+1], 0, 0) > len(done) {
			done = append(done, j)
		}
	}
	return done
}

// matching is the most steps from k on that distinct events not in used can do.
func matching(steps []Step, events []string, k int, used uint32) int {
	if k == len(steps) {
		return 0
	}
	most := matching(steps, events, k+1, used)
	for i, name := range events {
		if used&(1<<i) == 0 && does(steps[k], name) {
			most = max(most, 1+matching(steps, events, k+1, used|1<<i))
		}
	}
	return most
}
