package report

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Bounds of the data-driven models, which grow fast with the values.
const (
	// MaxMarkovValues bounds the states of markov's chain: learning it
	// inverts a matrix of that size.
	MaxMarkovValues = 1000
	// MaxShapleyValues bounds the values shapley shares one conversion
	// among: it weighs every subset of them. A journey with more credits
	// its most recent ones.
	MaxShapleyValues = 10
)

// valueCredit adds up what a model credits a value with.
type valueCredit struct{ conversions, revenue exactSum }

// credit runs the models over every conversion: credits[model][value id].
func (t *attributionTally) credit() (credits map[Model][]valueCredit, warnings []string, err error) {
	n := len(t.values)
	credits = map[Model][]valueCredit{}
	for _, m := range t.p.Models {
		credits[m] = make([]valueCredit, n)
	}
	var removal []float64
	if slices.Contains(t.p.Models, Markov) {
		if removal, err = markovRemoval(n, t.transitions); err != nil {
			return nil, nil, err
		}
	}
	shapley := shapleyModel{sets: t.sets, shares: map[string][]float64{}}
	if t.untouched.conversions > 0 {
		none := t.ids[NoValue]
		for _, m := range t.p.Models {
			credits[m][none].conversions.Add(float64(t.untouched.conversions))
			credits[m][none].revenue.Add(t.untouched.revenue.Value())
		}
	}
	var weights []float64
	capped := 0
	for i := range t.conversions {
		c := &t.conversions[i]
		weights = slices.Grow(weights[:0], len(c.touches))[:len(c.touches)]
		for _, m := range t.p.Models {
			clear(weights)
			switch m {
			case Markov:
				markovWeights(c, removal, weights)
			case Shapley:
				if shapley.weights(c, weights) {
					capped++
				}
			default:
				t.p.ruleWeights(m, c, weights)
			}
			for j, w := range weights {
				if w != 0 {
					v := &credits[m][c.touches[j].value]
					v.conversions.Add(w)
					v.revenue.Add(w * c.revenue)
				}
			}
		}
	}
	if capped > 0 {
		warnings = append(warnings, fmt.Sprintf("shapley: %d conversions had touches of more than %d values; each was shared among its %d most recent values", capped, MaxShapleyValues, MaxShapleyValues))
	}
	return credits, warnings, nil
}

// ruleWeights sets the share of each touch of a conversion under a
// rule-based model; the shares add up to 1.
func (p *attributionPlan) ruleWeights(m Model, c *conversion, w []float64) {
	n := len(c.touches)
	switch m {
	case FirstTouch:
		w[0] = 1
	case LastTouch:
		w[n-1] = 1
	case LastNonDirect:
		last := n - 1
		for i := n - 1; i >= 0; i-- {
			if !c.touches[i].direct {
				last = i
				break
			}
		}
		w[last] = 1
	case Linear:
		for i := range w {
			w[i] = 1 / float64(n)
		}
	case TimeDecay:
		sum := 0.0
		for i, tc := range c.touches {
			w[i] = math.Exp2(-tc.age.Seconds() / p.halfLife.Seconds())
			sum += w[i]
		}
		for i := range w {
			w[i] /= sum
		}
	case PositionBased:
		switch n {
		case 1:
			w[0] = 1
		case 2:
			w[0], w[1] = 0.5, 0.5
		default:
			w[0], w[n-1] = 0.4, 0.4
			for i := 1; i < n-1; i++ {
				w[i] = 0.2 / float64(n-2)
			}
		}
	case WShaped:
		milestones := []int{0}
		for _, i := range []int{c.lead, c.opportunity} {
			if i >= 0 {
				milestones = append(milestones, i)
			}
		}
		distinct := slices.Compact(slices.Sorted(slices.Values(milestones)))
		share, rest := 1/float64(len(milestones)), 0.0
		if len(distinct) < n { // the other touches share a tenth
			share, rest = 0.9/float64(len(milestones)), 0.1/float64(n-len(distinct))
		}
		for i := range w {
			w[i] = rest
		}
		for _, i := range distinct {
			w[i] = 0
		}
		for _, i := range milestones {
			w[i] += share
		}
	}
}

// markovRemoval learns the first-order Markov chain of the journeys (from
// a start, through their values in order, repeats merged, into conversion
// or null) and returns each value's removal effect, up to a factor that
// all share: the chance that a journey from the start reaches the value
// and then converts, which is what removing the value (sending every move
// into it to null) takes off the chance to convert. With N = (I - Q)^-1
// for the moves Q between values, that is h(v) p(v): the chance to reach
// v, (start's row of N)[v] / N[v][v], times the chance to convert from v,
// (N r)[v] for the moves r into conversion.
func markovRemoval(n int, transitions map[[2]int32]int) ([]float64, error) {
	removal := make([]float64, n)
	// The states are the values that journeys visit, in value order.
	index := make([]int, n)
	for i := range index {
		index[i] = -1
	}
	out := map[int32]int{}
	for edge, count := range transitions {
		out[edge[0]] += count
		for _, s := range edge {
			if s >= 0 {
				index[s] = 0
			}
		}
	}
	var states []int32
	for v, i := range index {
		if i == 0 {
			index[v] = len(states)
			states = append(states, int32(v))
		}
	}
	k := len(states)
	if k > MaxMarkovValues {
		return nil, invalid("markov: the journeys touch %d values, and markov takes at most %d: choose a touch field with fewer values, or other models", k, MaxMarkovValues)
	}
	if k == 0 {
		return removal, nil
	}
	a := make([][]float64, k) // I - Q
	for i := range a {
		a[i] = make([]float64, k)
		a[i][i] = 1
	}
	start := make([]float64, k)
	toConversion := make([]float64, k)
	for edge, count := range transitions {
		from, to := edge[0], edge[1]
		p := float64(count) / float64(out[from])
		switch {
		case from == markovStart && to >= 0:
			start[index[to]] = p
		case from >= 0 && to >= 0:
			a[index[from]][index[to]] -= p
		case from >= 0 && to == markovConversion:
			toConversion[index[from]] = p
		}
	}
	inverse, ok := invert(a)
	if !ok {
		return nil, fmt.Errorf("markov: the chain's matrix is singular")
	}
	for i, v := range states {
		reach, convert := 0.0, 0.0
		for j := range k {
			reach += start[j] * inverse[j][i]
			convert += inverse[i][j] * toConversion[j]
		}
		removal[v] = reach / inverse[i][i] * convert
	}
	return removal, nil
}

// invert returns the inverse of a square matrix by Gauss-Jordan
// elimination with partial pivoting; a is overwritten.
func invert(a [][]float64) ([][]float64, bool) {
	k := len(a)
	inv := make([][]float64, k)
	for i := range inv {
		inv[i] = make([]float64, k)
		inv[i][i] = 1
	}
	for col := range k {
		pivot := col
		for r := col + 1; r < k; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[pivot][col]) {
				pivot = r
			}
		}
		if a[pivot][col] == 0 {
			return nil, false
		}
		a[col], a[pivot] = a[pivot], a[col]
		inv[col], inv[pivot] = inv[pivot], inv[col]
		d := a[col][col]
		for j := range k {
			a[col][j] /= d
			inv[col][j] /= d
		}
		for r := range k {
			if f := a[r][col]; r != col && f != 0 {
				for j := range k {
					a[r][j] -= f * a[col][j]
					inv[r][j] -= f * inv[col][j]
				}
			}
		}
	}
	return inv, true
}

// markovWeights shares a conversion among the values of its journey in
// proportion to their removal effects, each value's share on its first
// touch.
func markovWeights(c *conversion, removal []float64, w []float64) {
	sum, values := 0.0, 0
	for i, tc := range c.touches {
		if firstTouchOf(c.touches, i) {
			sum += removal[tc.value]
			values++
		}
	}
	for i, tc := range c.touches {
		if firstTouchOf(c.touches, i) {
			if sum > 0 {
				w[i] = removal[tc.value] / sum
			} else {
				w[i] = 1 / float64(values)
			}
		}
	}
}

// firstTouchOf reports whether touch i is the first of its value.
func firstTouchOf(touches []journeyTouch, i int) bool {
	for _, tc := range touches[:i] {
		if tc.value == touches[i].value {
			return false
		}
	}
	return true
}

// shapleyModel shares conversions by Shapley values, with a set of values
// worth the conversion rate of the journeys whose values are exactly that
// set (0 for a set no journey had).
type shapleyModel struct {
	sets   map[string]*setCount
	shares map[string][]float64 // by setKey: each value's share, in id order
}

// weights shares a conversion among the values of its journey, at most
// MaxShapleyValues of them: the most recent. Each value's share is its
// Shapley value in the game of the subsets of those values, counted 0 when
// negative, over their sum (equal shares when none is positive); it goes
// on the value's first touch. It reports whether the journey had more
// values than shared.
func (s shapleyModel) weights(c *conversion, w []float64) (capped bool) {
	var values []int32
	for i := len(c.touches) - 1; i >= 0; i-- {
		if v := c.touches[i].value; !slices.Contains(values, v) {
			if len(values) == MaxShapleyValues {
				capped = true
				break
			}
			values = append(values, v)
		}
	}
	key := setKey(values)
	shares, ok := s.shares[key]
	if !ok {
		shares = s.compute(setIDs(key))
		s.shares[key] = shares
	}
	ids := setIDs(key)
	for i, tc := range c.touches {
		if j, found := slices.BinarySearch(ids, tc.value); found && firstTouchOf(c.touches, i) {
			w[i] = shares[j]
		}
	}
	return capped
}

// compute returns the shares of the values of a set, in id order.
func (s shapleyModel) compute(ids []int32) []float64 {
	k := len(ids)
	rate := make([]float64, 1<<k) // by subset, bit i for ids[i]
	for mask := 1; mask < len(rate); mask++ {
		var subset []int32
		for i, id := range ids {
			if mask&(1<<i) != 0 {
				subset = append(subset, id)
			}
		}
		if c := s.sets[setKey(subset)]; c != nil {
			rate[mask] = float64(c.converted) / float64(c.journeys)
		}
	}
	// A coalition of size m before a value weighs m!(k-m-1)!/k!.
	weight := make([]float64, k)
	for m := range k {
		weight[m] = factorial(m) * factorial(k-m-1) / factorial(k)
	}
	shares := make([]float64, k)
	sum := 0.0
	for i := range k {
		phi := 0.0
		for mask := range len(rate) {
			if mask&(1<<i) == 0 {
				phi += weight[bits.OnesCount(uint(mask))] * (rate[mask|1<<i] - rate[mask])
			}
		}
		shares[i] = max(phi, 0)
		sum += shares[i]
	}
	for i := range shares {
		if sum > 0 {
			shares[i] /= sum
		} else {
			shares[i] = 1 / float64(k)
		}
	}
	return shares
}

// factorial is exact for the sizes shapley takes.
func factorial(n int) float64 {
	f := 1.0
	for i := 2; i <= n; i++ {
		f *= float64(i)
	}
	return f
}
