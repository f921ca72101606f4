package report

import (
	"encoding/json"
	"time"
)

// Time is a time in a report request. JSON reads it as a date, 2026-09-01
// (midnight UTC), or an RFC 3339 time, as ParseTime does, and writes it in
// RFC 3339.
type Time struct{ time.Time }

// ParseTime reads a date, midnight UTC, or an RFC 3339 time.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, invalid("%q is not a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z)", s)
}

func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return invalid("expected a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z), not %s", jsonKind(b))
	}
	v, err := ParseTime(s)
	t.Time = v
	return err
}

// MinTime returns the earlier of a and b.
func MinTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// MaxTime returns the later of a and b.
func MaxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
