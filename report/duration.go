package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
)

// Duration is a span of time that reads and writes JSON as a number of
// seconds or as text with a unit: "90s", "30m", "12h", "7d", "2w", "3mo"
// (a month is 30 days).
type Duration time.Duration

var durationUnits = []struct {
	suffix string
	size   time.Duration
}{
	{"mo", 30 * 24 * time.Hour}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute},
	{"h", time.Hour}, {"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour},
}

// ParseDuration reads the text form of a Duration.
func ParseDuration(s string) (Duration, error) {
	for _, u := range durationUnits {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			if v, err := strconv.ParseFloat(n, 64); err == nil && v >= 0 {
				return Duration(v * float64(u.size)), nil
			}
		}
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 0 {
		return Duration(v * float64(time.Second)), nil
	}
	return 0, waymark.Errorf(waymark.KindInvalid, "bad duration %q: use seconds or a number with s, m, h, d, w or mo", s)
}

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
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
