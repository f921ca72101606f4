package demo

import "math"

// weighted is a choice with its relative weight.
type weighted[T any] struct {
	w float64
	v T
}

// chance reports true with probability p.
func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// lognormal returns a duration in milliseconds whose median is median and
// whose spread is sigma (the standard deviation of its logarithm).
func (g *generator) lognormal(median int64, sigma float64) int64 {
	return int64(float64(median) * math.Exp(sigma*g.rng.NormFloat64()))
}

// geometric returns how many times an event with probability p repeats
// before it stops: 0 with probability 1-p.
func (g *generator) geometric(p float64) int {
	n := 0
	for n < 50 && g.chance(p) {
		n++
	}
	return n
}

func oneOf[T any](g *generator, items []T) T { return items[g.rng.IntN(len(items))] }

func pick[T any](g *generator, items []weighted[T]) T {
	total := 0.0
	for _, it := range items {
		total += it.w
	}
	x := g.rng.Float64() * total
	for _, it := range items {
		if x < it.w {
			return it.v
		}
		x -= it.w
	}
	return items[len(items)-1].v
}

// mix is a bijection on 64-bit numbers (the splitmix64 finalizer): distinct
// inputs give distinct, well scattered outputs, which makes unique ids.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// seedJourney starts the random stream of the nth journey (and of other
// numbered parts of a run): each has its own, so a journey's draws do not
// depend on how many the journeys before it made.
func (g *generator) seedJourney(n uint64) {
	g.pcg.Seed(g.seed, mix(n^0x6a09e667f3bcc909))
}
