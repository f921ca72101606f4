package report

import (
	"math/bits"
	"time"
)

// attempt is one unit's way through a funnel from one entry.
type attempt struct {
	entry int         // index of the entry hit
	done  []int       // done[k]: index of the hit that did step k, or -1
	last  int         // the furthest step done
	end   int         // index of the last hit the attempt used
	times []time.Time // times[k]: when step k was done
}

func (a *attempt) did(k int) bool { return a.done[k] >= 0 }

// converted reports whether every required step was done.
func (p *plan) converted(a *attempt) bool { return a.last == len(p.steps)-1 }

// best returns the attempt that gets furthest among those entering at any
// of hits, the earliest of equals; ok is false when no hit enters.
func (p *plan) best(hits []Hit) (best attempt, ok bool) {
	ahead := p.lookahead(hits)
	entry, furthest, doneAt := -1, -1, -1
	for i := range hits {
		if p.Order != AnyOrder && furthest >= 0 && ahead.next(furthest, i) == len(hits) {
			break // no later entry can get further than the best so far
		}
		if !p.entry(&hits[i]) {
			continue
		}
		if last, at := p.furthest(hits, i, ahead, furthest); last > furthest {
			entry, furthest, doneAt = i, last, at
			if furthest == len(p.steps)-1 {
				break
			}
		}
	}
	if entry < 0 {
		return best, false
	}
	return p.attempt(hits, entry, furthest, doneAt), true
}

// lookahead tells when an ordered attempt can no longer get further. A way
// at step k can next do only the steps just past k: after k, up to the next
// required step. So an attempt cannot get past step k without a hit that
// does one of them.
type lookahead struct {
	hits int
	past []int32 // past[k*hits+j]: the first hit from j on that does a step just past k, or hits
}

// next returns the index of the first hit after j that does a step just
// past k, or the number of hits.
func (l lookahead) next(k, j int) int {
	if j+1 >= l.hits {
		return l.hits
	}
	return int(l.past[k*l.hits+j+1])
}

func (p *plan) lookahead(hits []Hit) lookahead {
	n := len(hits)
	if p.Order == AnyOrder {
		return lookahead{hits: n}
	}
	l := lookahead{hits: n, past: make([]int32, (len(p.steps)-1)*n)}
	for k := range len(p.steps) - 1 {
		row := l.past[k*n : (k+1)*n]
		next := int32(n)
		for j := n - 1; j >= 0; j-- {
			if hits[j].Mask&p.justPast[k] != 0 {
				next = int32(j)
			}
			row[j] = next
		}
	}
	return l
}

// entry reports whether h may start an attempt: it does the first step (any
// step, in any order) and lies in the report's range.
func (p *plan) entry(h *Hit) bool {
	if (!p.From.IsZero() && h.Time.Before(p.From.Time)) || (!p.To.IsZero() && !h.Time.Before(p.To.Time)) {
		return false
	}
	if p.Order == AnyOrder {
		return h.Mask&p.anySteps != 0
	}
	return h.Mask&p.steps[0] != 0
}

// furthest returns the furthest step an attempt entering at hits[e] can do,
// and the index of the earliest hit that does it. ahead is the hits'
// lookahead. An ordered attempt stops looking once it can get past neither
// its own furthest step nor beat: then it has not beaten beat.
func (p *plan) furthest(hits []Hit, e int, ahead lookahead, beat int) (last, at int) {
	if p.Order == AnyOrder {
		a := p.anyOrder(hits, e)
		return a.last, a.end
	}
	return p.furthestInOrder(hits, e, ahead, beat)
}

// attempt returns the attempt entering at hits[e] whose furthest step, last,
// is first done at hits[at], as furthest found.
func (p *plan) attempt(hits []Hit, e, last, at int) attempt {
	if p.Order == AnyOrder {
		return p.anyOrder(hits, e)
	}
	return p.inOrder(hits, e, last, at)
}

func newAttempt(n, entry int) attempt {
	a := attempt{entry: entry, done: make([]int, n), times: make([]time.Time, n), end: entry}
	for k := range a.done {
		a.done[k] = -1
	}
	return a
}

func (a *attempt) mark(k, i int, h *Hit) {
	a.done[k], a.times[k], a.end = i, h.Time, i
}

// An ordered attempt may do its steps in many ways: which hit does which
// step. A way does the steps in order, each at a later hit than the one
// before, within the funnel's window from the entry and each step's own
// window from the previous step done; it may skip optional steps; it ends at
// a hit it does not use that is an exclusion for the step it is at, or, in
// strict order, at any hit it does not use. The attempt gets as far as its
// furthest way. docs/reports.md explains the choice of the way reported.
//
// Ways are followed together, hit by hit. Of the ways whose furthest step
// is k, the one that did k latest can do everything the others can (the
// future depends only on k and that time), so one time per step is the
// whole state.

// furthestInOrder is furthest for ordered and strict funnels.
func (p *plan) furthestInOrder(hits []Hit, e int, ahead lookahead, beat int) (last, at int) {
	n := len(p.steps)
	deadline := hits[e].Time.Add(time.Duration(p.Window))
	var latest [MaxSteps]time.Time // latest[k]: when the live way at step k did it
	latest[0] = hits[e].Time
	live := uint32(1) // bit k: a way whose furthest step is k may go on
	last, at = 0, e
	for j := e + 1; j < len(hits) && live != 0; j++ {
		if q := ahead.next(max(last, beat), j-1); q == len(hits) || hits[q].Time.After(deadline) {
			break
		}
		h := &hits[j]
		if h.Time.After(deadline) {
			break
		}
		if h.Mask == 0 && p.Order != Strict {
			continue
		}
		var moved uint32 // steps h does for some live way
		for k := 1; k < n; k++ {
			if h.Mask&p.steps[k] != 0 && p.canDo(k, live, &latest, h.Time) {
				moved |= 1 << k
			}
		}
		for k := range n {
			if live&(1<<k) != 0 && p.ends(k, h) {
				live &^= 1 << k
			}
		}
		live |= moved
		for m := moved; m != 0; m &= m - 1 {
			latest[bits.TrailingZeros32(m)] = h.Time
		}
		if top := bits.Len32(moved) - 1; top > last {
			last, at = top, j
			if last == n-1 {
				break
			}
		}
	}
	return last, at
}

// canDo reports whether a live way may do step k at time t: one whose
// furthest step may come right before k, within k's window.
func (p *plan) canDo(k int, live uint32, latest *[MaxSteps]time.Time, t time.Time) bool {
	w := time.Duration(p.Steps[k].Window)
	for m := live & p.before[k]; m != 0; m &= m - 1 {
		if w == 0 || !t.After(latest[bits.TrailingZeros32(m)].Add(w)) {
			return true
		}
	}
	return false
}

// ends reports whether h, when not used, ends a way whose furthest step is k.
func (p *plan) ends(k int, h *Hit) bool {
	return p.Order == Strict || h.Mask&p.excludedAt[k] != 0
}

// within reports whether step k may be done at t when the step before it
// was done at prev.
func (p *plan) within(k int, prev, t time.Time) bool {
	w := time.Duration(p.Steps[k].Window)
	return w == 0 || !t.After(prev.Add(w))
}

// inOrder returns the way reported for the attempt entering at hits[e] that
// first does its furthest step, last, at hits[at]: that hit does it, and
// each step before it, in turn, is done by the earliest hit from which the
// way can still get there; an optional step is skipped only when no hit
// can do it so.
func (p *plan) inOrder(hits []Hit, e, last, at int) attempt {
	a := newAttempt(len(p.steps), e)
	a.mark(0, e, &hits[e])
	a.last = last
	way := hits[e : at+1]
	can := p.canReach(way, last)
	k, j := 0, 0
	for k < last {
		next, nextJ := -1, -1
		for k2 := k + 1; k2 <= last && next < 0; k2++ {
			if j2 := p.earliest(way, can, k, j, k2); j2 >= 0 {
				next, nextJ = k2, j2
			} else if !p.Steps[k2].Optional {
				break
			}
		}
		if next < 0 {
			panic("report: no way to a step the attempt reached")
		}
		k, j = next, nextJ
		a.mark(k, e+j, &way[j])
	}
	return a
}

// earliest returns the index of the earliest hit in way after way[j] that
// does step k2 next for a way at step k done at way[j] and can still get to
// the end of way; -1 if there is none.
func (p *plan) earliest(way []Hit, can []uint32, k, j, k2 int) int {
	for j2 := j + 1; j2 < len(way); j2++ {
		h := &way[j2]
		if !p.within(k2, way[j].Time, h.Time) {
			return -1
		}
		if can[j2]&(1<<k2) != 0 {
			return j2
		}
		if p.ends(k, h) {
			return -1
		}
	}
	return -1
}

// canReach returns, for each hit of way (which starts at the entry and
// ends at the hit that does step last), the steps k such that a way doing k
// at that hit can go on to do last at way's last hit.
//
// It walks back from the end. The earliest later hit from which step k2 can
// reach the end is the best one to do k2 at next: it leaves the smallest
// gap for k2's window and the fewest hits that could end the way.
func (p *plan) canReach(way []Hit, last int) []uint32 {
	can := make([]uint32, len(way))
	end := len(way) - 1
	none := len(way)
	var next [MaxSteps]int // next[k]: the earliest later hit that can do k on the way to the end
	var stop [MaxSteps]int // stop[k]: the earliest later hit that ends a way at step k
	for k := range next {
		next[k], stop[k] = none, none
	}
	can[end] = 1 << last
	next[last] = end
	for k := range last + 1 {
		if p.ends(k, &way[end]) {
			stop[k] = end
		}
	}
	for j := end - 1; j >= 0; j-- {
		h := &way[j]
		for k := range last {
			if (j == 0) != (k == 0) || (j > 0 && h.Mask&p.steps[k] == 0) {
				continue
			}
			for k2 := k + 1; k2 <= last; k2++ {
				if j2 := next[k2]; j2 < none && j2 <= stop[k] && p.within(k2, h.Time, way[j2].Time) {
					can[j] |= 1 << k
					break
				}
				if !p.Steps[k2].Optional {
					break
				}
			}
		}
		for m := can[j]; m != 0; m &= m - 1 {
			next[bits.TrailingZeros32(m)] = j
		}
		for k := range last + 1 {
			if p.ends(k, h) {
				stop[k] = j
			}
		}
	}
	return can
}

// nextRequired returns the first step after k that may not be skipped.
func (p *plan) nextRequired(k int) int {
	k++
	for k < len(p.steps)-1 && p.Steps[k].Optional {
		k++
	}
	return k
}

// anyOrder does, from the entry on and within the window, as many steps as
// the hits allow, each hit doing at most one step: a hit that matches
// several steps takes the one that lets the most steps be done (a
// matching, kept maximal hit by hit). last counts the steps done, less
// one, so that steps[k] of the result means "did at least k+1 steps", done
// when the (k+1)th could first be.
func (p *plan) anyOrder(hits []Hit, e int) attempt {
	n := len(p.steps)
	a := newAttempt(n, e)
	deadline := hits[e].Time.Add(time.Duration(p.Window))
	var doer [MaxSteps]int // doer[k]: the hit doing step k, or -1
	for k := range doer {
		doer[k] = -1
	}
	count := 0
	for j := e; j < len(hits) && count < n; j++ {
		h := &hits[j]
		if h.Time.After(deadline) {
			break
		}
		if h.Mask&p.anySteps == 0 {
			continue
		}
		var seen uint32
		if p.assign(hits, j, &doer, &seen) {
			a.mark(count, j, h)
			count++
		}
	}
	a.last = count - 1
	return a
}

// assign finds hits[j] a step, moving hits already assigned to other steps
// they match if that frees one (an augmenting path), lowest steps first.
func (p *plan) assign(hits []Hit, j int, doer *[MaxSteps]int, seen *uint32) bool {
	for k, mask := range p.steps {
		if hits[j].Mask&mask == 0 || *seen&(1<<k) != 0 {
			continue
		}
		*seen |= 1 << k
		if doer[k] < 0 || p.assign(hits, doer[k], doer, seen) {
			doer[k] = j
			return true
		}
	}
	return false
}
