package report

import "time"

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

// run tries every entry among hits and returns the furthest attempt, the
// earliest of equals; ok is false when no hit enters the funnel.
func (p *plan) best(hits []Hit) (best attempt, ok bool) {
	for i := range hits {
		a, entered := p.from(hits, i)
		if !entered {
			continue
		}
		if !ok || a.last > best.last {
			best, ok = a, true
		}
		if p.converted(&best) {
			break
		}
	}
	return best, ok
}

// from runs an attempt entering at hits[i]; entered is false when hits[i]
// is not a valid entry.
func (p *plan) from(hits []Hit, i int) (a attempt, entered bool) {
	if !p.entry(&hits[i]) {
		return a, false
	}
	n := len(p.steps)
	a = attempt{entry: i, done: make([]int, n), times: make([]time.Time, n), end: i}
	for k := range a.done {
		a.done[k] = -1
	}
	if p.Order == AnyOrder {
		p.anyOrder(hits, &a)
	} else {
		p.inOrder(hits, &a)
	}
	return a, true
}

// entry reports whether h may start an attempt: it does the first step (any
// step, in any order) and lies in the report's range.
func (p *plan) entry(h *Hit) bool {
	if (!p.From.IsZero() && h.Time.Before(p.From)) || (!p.To.IsZero() && !h.Time.Before(p.To)) {
		return false
	}
	if p.Order == AnyOrder {
		for _, m := range p.steps {
			if h.Mask&m != 0 {
				return true
			}
		}
		return false
	}
	return h.Mask&p.steps[0] != 0
}

func (a *attempt) mark(k, i int, h *Hit) {
	a.done[k], a.times[k], a.end = i, h.Time, i
}

// inOrder walks the hits after the entry, doing at each point the earliest
// candidate step: the optional steps after the last one done, up to and
// including the next required one. A hit does the lowest candidate step it
// matches. The attempt ends when the window or the required step's window
// closes, at an exclusion, or, in strict order, at any hit that does no
// candidate step.
func (p *plan) inOrder(hits []Hit, a *attempt) {
	a.mark(0, a.entry, &hits[a.entry])
	a.last = 0
	deadline := hits[a.entry].Time.Add(time.Duration(p.Window))
	for j := a.entry + 1; j < len(hits) && a.last < len(p.steps)-1; j++ {
		h := &hits[j]
		if h.Time.After(deadline) {
			return
		}
		prev := a.times[a.last]
		required := p.nextRequired(a.last)
		took := false
		for k := a.last + 1; k <= required; k++ {
			w := p.Steps[k].Window
			if h.Mask&p.steps[k] != 0 && (w == 0 || !h.Time.After(prev.Add(time.Duration(w)))) {
				a.mark(k, j, h)
				a.last, took = k, true
				break
			}
		}
		if took {
			continue
		}
		if p.excluded(h, a.last) || p.Order == Strict {
			return
		}
	}
}

// nextRequired returns the first step after k that may not be skipped.
func (p *plan) nextRequired(k int) int {
	k++
	for k < len(p.steps)-1 && p.Steps[k].Optional {
		k++
	}
	return k
}

// excluded reports whether h is an exclusion between a step done (last is
// the furthest) and one not done yet.
func (p *plan) excluded(h *Hit, last int) bool {
	for x, mask := range p.exclusions {
		e := p.Exclusions[x]
		if h.Mask&mask != 0 && last >= e.After-1 && last < e.Before-1 {
			return true
		}
	}
	return false
}

// anyOrder does, from the entry on and within the window, each step the
// first time a hit matches it; a hit does the lowest step it matches that is
// not done yet. last counts the steps done, less one, so that steps[k] of
// the result means "did at least k+1 steps".
func (p *plan) anyOrder(hits []Hit, a *attempt) {
	deadline := hits[a.entry].Time.Add(time.Duration(p.Window))
	doneSteps := make([]bool, len(p.steps))
	count := 0
	for j := a.entry; j < len(hits) && count < len(p.steps); j++ {
		h := &hits[j]
		if h.Time.After(deadline) {
			break
		}
		for k, mask := range p.steps {
			if !doneSteps[k] && h.Mask&mask != 0 {
				doneSteps[k] = true
				a.mark(count, j, h)
				count++
				break
			}
		}
	}
	a.last = count - 1
}
