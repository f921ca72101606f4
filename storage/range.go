package storage

import "time"

// CeilMicro returns the first microsecond at or after t. Events are stored to
// the microsecond, so a range bound between two microseconds selects what
// the next one does.
func CeilMicro(t time.Time) time.Time {
	if c := t.Truncate(time.Microsecond); c.Before(t) {
		return c.Add(time.Microsecond)
	}
	return t
}
