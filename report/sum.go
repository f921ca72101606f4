package report

import "math"

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
