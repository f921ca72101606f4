package report

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		text string
		want time.Duration
		err  string
	}{
		{"90", 90 * time.Second, ""},
		{"1.5h", 90 * time.Minute, ""},
		{"250ms", 250 * time.Millisecond, ""},
		{"30m", 30 * time.Minute, ""},
		{"7d", 7 * day, ""},
		{"2w", 14 * day, ""},
		{"3mo", 90 * day, ""},
		{"1y", 365 * day, ""},
		{"100y", 36500 * day, ""},
		{"1e3", 1000 * time.Second, ""},
		{"0", 0, ""},
		{".5m", 30 * time.Second, ""},
		{"300y", 0, `"300y" is more than 100 years (100y), the longest duration a report takes`},
		{"36501d", 0, `"36501d" is more than 100 years`},
		{"1e400", 0, `"1e400" is more than 100 years`},
		{"9223372036854775807s", 0, "is more than 100 years"},
		{"-5m", 0, `"-5m" is negative: a duration is 0 or more`},
		{"-0", 0, "negative"},
		{"NaN", 0, `"NaN" is not a duration: use seconds, or a number with ms, s, m, h, d, w, mo (30 days) or y (365 days), such as 7d`},
		{"Infd", 0, "is not a duration"},
		{"infinity", 0, "is not a duration"},
		{"0x10s", 0, "is not a duration"},
		{"1_000", 0, "is not a duration"},
		{"7 days", 0, "is not a duration"},
		{"", 0, "is not a duration"},
		{"d", 0, "is not a duration"},
		{"+5m", 0, "is not a duration"},
	} {
		got, err := ParseDuration(c.text)
		if c.err == "" && (err != nil || time.Duration(got) != c.want) {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.text, time.Duration(got), err, c.want)
		}
		if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("ParseDuration(%q) = %v, %v; want an error with %q", c.text, time.Duration(got), err, c.err)
		}
	}
}

func TestParseTime(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"2026-09-01", "2026-09-01T00:00:00Z"},
		{"2026-09-01T12:30:00Z", "2026-09-01T12:30:00Z"},
		{"2026-09-01T12:30:00.25+02:00", "2026-09-01T10:30:00.25Z"},
	} {
		got, err := ParseTime(c.text)
		if err != nil || got.UTC().Format(time.RFC3339Nano) != c.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %s", c.text, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2026-13-01", "2026-09-01 12:00", "2026-09-01T12:00:00", "01/09/2026"} {
		if _, err := ParseTime(bad); err == nil || err.Error() != `"`+bad+`" is not a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z)` {
			t.Errorf("ParseTime(%q): err = %v", bad, err)
		}
	}
}

// TestDecodeJSON checks the errors of bad definitions: each names the
// field in the JSON's own terms and says what it should be.
func TestDecodeJSON(t *testing.T) {
	steps := `"steps":[{"touchpoints":[{"event":"A"}]},{"touchpoints":[{"event":"B"}]}]`
	for _, c := range []struct{ body, want string }{
		{`{` + steps + `,"window":"300y"}`, `window: "300y" is more than 100 years (100y), the longest duration a report takes`},
		{`{` + steps + `,"window":-3600}`, `window: "-3600" is negative: a duration is 0 or more`},
		{`{` + steps + `,"window":true}`, `window: expected a duration such as 7d, not true`},
		{`{` + steps + `,"sessionGap":"soon"}`, `sessionGap: "soon" is not a duration`},
		{`{"steps":[{"touchpoints":[{"event":"A"}]},{"touchpoints":[{"event":"B"}],"window":"1e999h"}]}`, `steps[1].window: "1e999h" is more than 100 years`},
		{`{"steps":"A,B"}`, `steps: expected a list of steps, not a string`},
		{`{"steps":[{"touchpoints":{"event":"A"}}]}`, `steps[0].touchpoints: expected a list of touchpoints, not an object`},
		{`{"steps":[{"touchpoints":[{"event":7}]}]}`, `steps[0].touchpoints[0].event: expected a string, not a number`},
		{`{"steps":[{"touchpoints":[{"where":[{"field":"plan","op":"=","value":5}]}]}]}`, `steps[0].touchpoints[0].where[0].value: expected a string, not a number`},
		{`{"steps":[{"touchpoints":[{"where":[{"field":"plan","op":"in","values":"pro"}]}]}]}`, `steps[0].touchpoints[0].where[0].values: expected a list of strings, not a string`},
		{`{"steps":[{"optional":"yes","touchpoints":[]}]}`, `steps[0].optional: expected true or false, not a string`},
		{`{` + steps + `,"from":"x"}`, `from: "x" is not a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z)`},
		{`{` + steps + `,"to":"2026-09-01T12:00"}`, `to: "2026-09-01T12:00" is not a date`},
		{`{` + steps + `,"to":20260901}`, `to: expected a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z), not a number`},
		{`{` + steps + `,"windw":"1d"}`, `unknown field "windw"; the fields here are steps, window, order, exclusions, countBy, sessionGap, from, to, where, breakdown, trend`},
		{`{"steps":[{"touchpoints":[{"evnt":"A"}]}]}`, `steps[0].touchpoints[0]: unknown field "evnt"; the fields here are label, event, type, path, where`},
		{`{` + steps + `,"breakdown":"channel"}`, `breakdown: expected an object, not a string`},
		{`{` + steps + `,"breakdown":{"field":"channel","top":"3"}}`, `breakdown.top: expected a whole number, not a string`},
		{`{` + steps + `,"breakdown":{"field":"channel","top":1.5}}`, `breakdown.top: expected a whole number, not a number`},
		{`{` + steps + `,"exclusions":[{"touchpoint":{"event":"X"},"after":"1"}]}`, `exclusions[0].after: expected a whole number, not a string`},
		{`[{` + steps + `}]`, `expected an object, not a list`},
		{`"funnel"`, `expected an object, not a string`},
		{`{` + steps + `,}`, `not valid JSON at line 1, column 76: invalid character '}' looking for beginning of object key string`},
		{"{\n  \"steps\": [\n    {\"touchpoints\": [}\n  ]\n}", `not valid JSON at line 3, column 22: invalid character '}' looking for beginning of value`},
		{`{` + steps, `the JSON ends before it is complete`},
		{`{` + steps + `} {}`, `unexpected text after the JSON value`},
		{``, `expected a JSON object, found nothing`},
	} {
		var f Funnel
		err := DecodeJSON([]byte(c.body), &f)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s\n= %v\nwant %s", c.body, err, c.want)
		}
	}
	var f Funnel
	if err := DecodeJSON([]byte(`{`+steps+`,"WINDOW":"1d","from":"2026-09-01","to":"2026-09-02T00:00:00+02:00"}`), &f); err != nil ||
		f.Window != Duration(24*time.Hour) || !f.From.Equal(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) || !f.To.Equal(time.Date(2026, 9, 1, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("good definition: %+v, %v", f, err)
	}
}

// TestDurationsInRange checks durations set in Go, not read from JSON: out
// of range, a definition is refused rather than run with a window that wraps
// around.
func TestDurationsInRange(t *testing.T) {
	steps := []Step{{Touchpoints: []Touchpoint{{Event: "A"}}}, {Touchpoints: []Touchpoint{{Event: "B"}}}}
	long := MaxDuration + Duration(24*time.Hour)
	for _, c := range []struct {
		f    Funnel
		want string
	}{
		{Funnel{Steps: steps, Window: long}, "window: 36501d is not from 0 to 100 years (100y)"},
		{Funnel{Steps: steps, Window: -Duration(time.Hour)}, "window: -1h is not from 0 to 100 years"},
		{Funnel{Steps: steps, SessionGap: long}, "sessionGap: 36501d is not from 0"},
		{Funnel{Steps: []Step{steps[0], {Touchpoints: steps[1].Touchpoints, Window: long}}}, "step 2: window: 36501d is not from 0"},
	} {
		if _, err := RunFunnel(t.Context(), &Reference{}, "p", c.f); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("funnel %+v: err = %v, want %s", c.f, err, c.want)
		}
	}
	j := Journey{Name: "j", Window: long, Stages: []Stage{{Name: "A", Touchpoints: steps[0].Touchpoints}, {Name: "B", Touchpoints: steps[1].Touchpoints}}}
	if err := j.Validate(); err == nil || !strings.HasPrefix(err.Error(), "window: 36501d is not from 0") {
		t.Errorf("journey with a window of 36501d: err = %v", err)
	}
}
