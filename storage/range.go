package storage

import (
	"math"
	"time"
)

// CeilMicro returns the first microsecond at or after t. Events are stored to
// the microsecond, so a range bound between two microseconds selects what
// the next one does.
func CeilMicro(t time.Time) time.Time {
	if c := t.Truncate(time.Microsecond); c.Before(t) {
		return c.Add(time.Microsecond)
	}
	return t
}

// MicroRange returns the range from <= timestamp < to in Unix microseconds,
// lo <= microseconds < hi; a zero bound is unbounded.
func MicroRange(from, to time.Time) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	if !from.IsZero() {
		lo = CeilMicro(from).UnixMicro()
	}
	if !to.IsZero() {
		hi = CeilMicro(to).UnixMicro()
	}
	return lo, hi
}
