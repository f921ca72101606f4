package report

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Duration is a span of time that reads and writes JSON as a number of
// seconds or as text with a unit: "90s", "30m", "12h", "7d", "2w", "3mo"
// (a month is 30 days), "1y" (365 days). It is never negative and at most
// MaxDuration.
type Duration time.Duration

// MaxDuration is the longest Duration: a century is longer than any window
// a report needs, and stays far from the 292 years a time.Duration holds,
// beyond which arithmetic on times would wrap around.
const MaxDuration = Duration(100 * 365 * 24 * time.Hour)

var durationUnits = []struct {
	suffix string
	size   time.Duration
}{
	{"mo", 30 * 24 * time.Hour}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute},
	{"h", time.Hour}, {"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour}, {"y", 365 * 24 * time.Hour},
}

// durationNumber is the number of a duration: decimal, as JSON writes
// numbers, without a sign.
var durationNumber = regexp.MustCompile(`^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$`)

// ParseDuration reads the text form of a Duration.
func ParseDuration(s string) (Duration, error) {
	number, unit := s, time.Second
	for _, u := range durationUnits {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			number, unit = n, u.size
			break
		}
	}
	if !durationNumber.MatchString(number) {
		if strings.HasPrefix(number, "-") && durationNumber.MatchString(number[1:]) {
			return 0, invalid("%q is negative: a duration is 0 or more", s)
		}
		return 0, invalid("%q is not a duration: use seconds, or a number with ms, s, m, h, d, w, mo (30 days) or y (365 days), such as 7d", s)
	}
	v, err := strconv.ParseFloat(number, 64)
	if err != nil || v*float64(unit) > float64(MaxDuration) {
		return 0, invalid("%q is more than 100 years (100y), the longest duration a report takes", s)
	}
	return Duration(v * float64(unit)), nil
}

// check reports a Duration set in Go rather than read from text that is out
// of range; name says which.
func (d Duration) check(name string) error {
	if d < 0 || d > MaxDuration {
		return invalid("%s: %s is not from 0 to 100 years (100y)", name, d)
	}
	return nil
}

func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		if b[0] != '-' && (b[0] < '0' || b[0] > '9') {
			return invalid("expected a duration such as 7d, not %s", jsonKind(b))
		}
		s = string(b)
	}
	v, err := ParseDuration(s)
	*d = v
	return err
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// String writes the largest whole unit: "7d", "30m", "90s".
func (d Duration) String() string {
	for _, u := range []struct {
		suffix string
		size   time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if d != 0 && time.Duration(d)%u.size == 0 {
			return fmt.Sprintf("%d%s", time.Duration(d)/u.size, u.suffix)
		}
	}
	return strconv.FormatFloat(time.Duration(d).Seconds(), 'f', -1, 64) + "s"
}
