package segment

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

var jsonSamples = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `-0.5e-3`, `1E+2`, `true`, `false`, `null`,
	` {"a" : [1, 2, {"b": null}], "c": "\u00e9\ud83d\ude00\n\"\\\/"} `,
	`{"a":1,}`, `[1,]`, `[,1]`, `{"a"}`, `{"a":}`, `{a:1}`, `{'a':1}`, `01`, `1.`, `.5`, `1e`, `-`, `+1`,
	`"\u12"`, `"\x"`, "\"\t\"", `tru`, `nul`, `[1 2]`, `{"a":1 "b":2}`, `{} {}`, `[`, `{`, `"`,
	"\"\xff\"", "\"\xed\xa0\x80\"", "\"\xef\xbf\xbd\"", `NaN`, `Infinity`, `"\ud800"`, "\x00", `[]]`,
	`1e400`, `[-1E+309]`, `{"a":1.8e308}`, `1.7976931348623157e308`, `1e-400`, `0e999999999`,
}

// The reader agrees with encoding/json on what is valid JSON, except that it
// also rejects invalid UTF-8, as RFC 8259 asks, and numbers too large for a
// float64, which encoding/json takes as JSON but cannot decode.
func TestCheckJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range jsonSamples {
		checkAgainstEncodingJSON(t, []byte(s))
	}
}

func FuzzCheckJSON(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgainstEncodingJSON(t, data)
	})
}

func checkAgainstEncodingJSON(t *testing.T, data []byte) {
	t.Helper()
	err := checkJSON(data)
	valid := json.Valid(data) && utf8.Valid(data) && depth(data) <= maxDepth && json.Unmarshal(data, new(any)) == nil
	if (err == nil) != valid {
		t.Errorf("checkJSON(%q) = %v; encoding/json says valid %v", data, err, valid)
	}
	if err != nil || !valid {
		return
	}
	// Strings decode to what encoding/json makes of them.
	r := reader{data: data}
	if r.peek() == '"' {
		var want string
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		start, end, esc, err := r.readString()
		if err != nil {
			t.Fatal(err)
		}
		if got := text("", data, start, end, esc); got != want {
			t.Errorf("string %q decodes to %q, want %q", data, got, want)
		}
	}
}

// depth is the deepest nesting of data, which must be valid JSON.
func depth(data []byte) int {
	d, deepest, inString := 0, 0, false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			d++
			deepest = max(deepest, d)
		case c == '}' || c == ']':
			d--
		}
	}
	return deepest
}
