package report

import (
	"math"
	"math/big"
	"math/bits"
)

// exactSum adds float64s without rounding error: its Value is the exact
// sum rounded once, so it is the same whatever order the numbers come in.
// Engines hand a report its persons in any order; sums of fractional
// credits must still come out alike to the last bit. It is Shewchuk's
// algorithm, as Python's math.fsum, for finite numbers.
type exactSum struct {
	partials []float64 // non-overlapping, increasing magnitude
}

func (s *exactSum) Add(x float64) {
	i := 0
	for _, y := range s.partials {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		lo := y - (hi - x)
		if lo != 0 {
			s.partials[i] = lo
			i++
		}
		x = hi
	}
	s.partials = append(s.partials[:i], x)
}

// Value returns the sum, correctly rounded.
func (s *exactSum) Value() float64 {
	n := len(s.partials)
	if n == 0 {
		return 0
	}
	n--
	hi := s.partials[n]
	lo := 0.0
	for n > 0 {
		x := hi
		n--
		y := s.partials[n]
		hi = x + y
		lo = y - (hi - x)
		if lo != 0 {
			break
		}
	}
	// Round half to even when the rest lies exactly halfway: the partials
	// below lo say which way.
	if n > 0 && ((lo < 0 && s.partials[n-1] < 0) || (lo > 0 && s.partials[n-1] > 0)) {
		y := lo * 2
		x := hi + y
		if y == x-hi {
			hi = x
		}
	}
	return hi
}

// merge adds the numbers o has added.
func (s *exactSum) merge(o *exactSum) {
	for _, x := range o.partials {
		s.Add(x)
	}
}

// microsSum adds whole microseconds exactly, in 128 bits of two's
// complement with hi as the carry word: a million persons at 107 days
// each already pass what an int64 holds.
type microsSum struct {
	hi int64
	lo uint64
}

func (s *microsSum) Add(v int64) {
	var carry uint64
	s.lo, carry = bits.Add64(s.lo, uint64(v), 0)
	s.hi += int64(carry) + v>>63 // v>>63 extends v's sign
}

// Value returns the sum, correctly rounded.
func (s *microsSum) Value() float64 {
	if lo := int64(s.lo); s.hi == lo>>63 { // it fits an int64
		return float64(lo)
	}
	x := new(big.Int).Lsh(big.NewInt(s.hi), 64)
	f, _ := new(big.Float).SetInt(x.Add(x, new(big.Int).SetUint64(s.lo))).Float64()
	return f
}
