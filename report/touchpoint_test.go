package report

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/waymark-analytics/waymark"
)

func TestFieldValue(t *testing.T) {
	props := func(object string) *waymark.Event {
		return &waymark.Event{Type: waymark.Track, Properties: json.RawMessage(object)}
	}
	tests := []struct {
		name  string
		field Field
		event *waymark.Event
		value string
		set   bool
	}{
		{"column", "name", &waymark.Event{Name: "Buy"}, "Buy", true},
		{"empty column", "country", &waymark.Event{}, "", false},
		{"currency without revenue", "currency", &waymark.Event{}, "", false},
		{"currency", "currency", &waymark.Event{Revenue: &waymark.Money{Amount: 1, Currency: "EUR"}}, "EUR", true},
		{"string", "properties.plan", props(`{"plan":"pro"}`), "pro", true},
		{"string with escapes", "properties.plan", props(`{"plan":"caf\u00e9 \"x\"\n"}`), "café \"x\"\n", true},
		{"half a surrogate pair", "properties.plan", props(`{"plan":"a\ud800b"}`), "a\ufffdb", true},
		{"empty string", "properties.plan", props(`{"plan":""}`), "", false},
		{"null", "properties.plan", props(`{"plan":null}`), "", false},
		{"missing key", "properties.plan", props(`{"other":1}`), "", false},
		{"no properties", "properties.plan", &waymark.Event{}, "", false},
		{"not an object", "properties.plan", props(`[{"plan":"pro"}]`), "", false},
		{"number as written", "properties.n", props(`{"n": 12.50}`), "12.50", true},
		{"exponent as written", "properties.n", props(`{"n":1e3}`), "1e3", true},
		{"bool", "properties.ok", props(`{"ok":false}`), "false", true},
		{"list as written", "properties.tags", props(`{"tags":[1, "a"]}`), `[1, "a"]`, true},
		{"object as written", "properties.o", props(`{"o":{ "a" : 1 }}`), `{ "a" : 1 }`, true},
		{"top level only", "properties.plan", props(`{"o":{"plan":"inner"}}`), "", false},
		{"top level after nested", "properties.plan", props(`{"o":{"plan":"inner"},"plan":"outer"}`), "outer", true},
		{"key written twice", "properties.plan", props(`{"plan":"first","plan":"last"}`), "last", true},
		{"escaped key", "properties.caf\u00e9", props(`{"caf\u00e9":1}`), "1", true},
		{"key with a quote", `properties.a"b`, props(`{"a\"b":1}`), "1", true},
		{"key with a dot", "properties.a.b", props(`{"a.b":1,"a":{"b":2}}`), "1", true},
		{"traits", "traits.email", &waymark.Event{Traits: json.RawMessage(`{"email":"u@x.io"}`)}, "u@x.io", true},
		{"person trait", "person.plan", props(`{"plan":"event"}`), "team", true},
		{"person trait not set", "person.email", &waymark.Event{Traits: json.RawMessage(`{"email":"u@x.io"}`)}, "", false},
		{"acquisition", "acquisition.channel", &waymark.Event{Campaign: waymark.Campaign{Channel: "Direct"}}, "Email", true},
		{"acquisition not set", "acquisition.utm_source", &waymark.Event{Campaign: waymark.Campaign{Source: "google"}}, "", false},
		{"deeper than any limit", "properties.plan", props(`{"plan":"free","x":[[[[[[[[[[{"plan":"pro"}]]]]]]]]]]}`), "free", true},
		{"after deep nesting", "properties.plan", props(`{"x":[[[[[[[[[[{"plan":"pro"}]]]]]]]]]],"plan":"free"}`), "free", true},
		{"nested value as written", "properties.x", props(`{"x":[[[[[[[[[[{"plan": "pro"}]]]]]]]]]]}`), `[[[[[[[[[[{"plan": "pro"}]]]]]]]]]]`, true},
	}
	person := Profile{"person.plan": "team", "acquisition.channel": "Email"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if value, set := tt.field.Value(tt.event, person); value != tt.value || set != tt.set {
				t.Errorf("Value = %q, %v; want %q, %v", value, set, tt.value, tt.set)
			}
		})
	}
}

func TestConditionHolds(t *testing.T) {
	event := &waymark.Event{
		Type: waymark.Page, Name: "Pricing", Page: waymark.PageInfo{Path: "/pricing/team", Title: "two\nlines"},
		Properties: json.RawMessage(`{"plan":"pro","n":12.50,"s":"7","e":1e3,"big":1234567890123456,"plus":"+5","neg":"-3","flag":true}`),
	}
	tests := []struct {
		cond Condition
		want bool
	}{
		{Condition{Field: "name", Op: Equals, Value: "Pricing"}, true},
		{Condition{Field: "name", Op: Equals, Value: "pricing"}, false},
		{Condition{Field: "country", Op: Equals, Value: ""}, false}, // unset is never equal, even to ""
		{Condition{Field: "name", Op: NotEquals, Value: "Home"}, true},
		{Condition{Field: "country", Op: NotEquals, Value: "NL"}, true}, // negative operators hold for unset fields
		{Condition{Field: "properties.plan", Op: Contains, Value: "r"}, true},
		{Condition{Field: "properties.plan", Op: Contains, Value: ""}, true},
		{Condition{Field: "properties.missing", Op: Contains, Value: ""}, false},
		{Condition{Field: "properties.missing", Op: NotContains, Value: "x"}, true},
		{Condition{Field: "properties.plan", Op: NotContains, Value: "p"}, false},
		{Condition{Field: "path", Op: Matches, Value: "team"}, true}, // anywhere in the value
		{Condition{Field: "path", Op: Matches, Value: "^team"}, false},
		{Condition{Field: "properties.plan", Op: Matches, Value: "(?i)PRO"}, true},
		{Condition{Field: "title", Op: Matches, Value: "two.lines"}, false}, // . does not match a newline
		{Condition{Field: "title", Op: Matches, Value: "(?s)two.lines"}, true},
		{Condition{Field: "title", Op: Matches, Value: "^lines"}, false}, // ^ is the start of the value
		{Condition{Field: "properties.missing", Op: Matches, Value: ""}, false},
		{Condition{Field: "properties.plan", Op: In, Values: []string{"free", "pro"}}, true},
		{Condition{Field: "properties.plan", Op: NotIn, Values: []string{"free", "pro"}}, false},
		{Condition{Field: "properties.missing", Op: NotIn, Values: []string{"free"}}, true},
		{Condition{Field: "properties.n", Op: Equals, Value: "12.50"}, true}, // as written
		{Condition{Field: "properties.n", Op: Equals, Value: "12.5"}, false},
		{Condition{Field: "properties.n", Op: GreaterEq, Value: "12.5"}, true}, // but compared as numbers
		{Condition{Field: "properties.n", Op: Less, Value: "12.5"}, false},
		{Condition{Field: "properties.s", Op: Greater, Value: "6.99"}, true}, // a string holding a number
		{Condition{Field: "properties.neg", Op: LessEq, Value: "-3"}, true},
		{Condition{Field: "properties.e", Op: Greater, Value: "5"}, false},    // an exponent makes text
		{Condition{Field: "properties.big", Op: Greater, Value: "5"}, false},  // so do 16 digits
		{Condition{Field: "properties.plus", Op: Greater, Value: "0"}, false}, // and a plus sign
		{Condition{Field: "properties.flag", Op: Greater, Value: "0"}, false},
		{Condition{Field: "properties.missing", Op: Less, Value: "5"}, false},
		{Condition{Field: "properties.flag", Op: IsSet}, true},
		{Condition{Field: "properties.missing", Op: IsSet}, false},
		{Condition{Field: "properties.missing", Op: IsNotSet}, true},
		{Condition{Field: "properties.plan", Op: IsNotSet}, false},
		{Condition{Field: "person.plan", Op: Equals, Value: "team"}, true},
		{Condition{Field: "person.plan", Op: Equals, Value: "pro"}, false}, // the person's, not the event's
		{Condition{Field: "person.seats", Op: Greater, Value: "4"}, true},
		{Condition{Field: "person.email", Op: IsNotSet}, true},
		{Condition{Field: "acquisition.first_seen", Op: Matches, Value: "^2026-03"}, true},
		{Condition{Field: "acquisition.channel", Op: IsSet}, false},
	}
	person := Profile{"person.plan": "team", "person.seats": "5", "acquisition.first_seen": "2026-03-01"}
	for _, tt := range tests {
		if err := tt.cond.Validate(); err != nil {
			t.Fatalf("%+v: %v", tt.cond, err)
		}
		if got := tt.cond.Holds(event, person); got != tt.want {
			t.Errorf("%s %s %q %q: Holds = %v, want %v", tt.cond.Field, tt.cond.Op, tt.cond.Value, tt.cond.Values, got, tt.want)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		text   string
		number float64
		ok     bool
	}{
		{"5", 5, true},
		{"-3", -3, true},
		{"12.50", 12.5, true},
		{"007", 7, true},
		{"-0", 0, true},
		{"123456789012345", 123456789012345, true},
		{"1234567890.12345", 1234567890.12345, true},
		{"1234567890123456", 0, false}, // 16 digits
		{"1234567890.123456", 0, false},
		{"+5", 0, false},
		{".5", 0, false},
		{"5.", 0, false},
		{"1e3", 0, false},
		{" 5", 0, false},
		{"Inf", 0, false},
		{"NaN", 0, false},
		{"0x10", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		if number, ok := Number(tt.text); number != tt.number || ok != tt.ok {
			t.Errorf("Number(%q) = %v, %v; want %v, %v", tt.text, number, ok, tt.number, tt.ok)
		}
	}
}

func TestConditionValidate(t *testing.T) {
	for _, c := range []Condition{
		{Field: "nope", Op: Equals},
		{Field: "properties.", Op: Equals},
		{Field: "context.ip", Op: Equals},
		{Field: "name", Op: "like"},
		{Field: "name", Op: In},
		{Field: "name", Op: Matches, Value: "("},
		{Field: "name", Op: Greater, Value: "1e3"},
		{Field: "name", Op: Less, Value: "ten"},
		{Field: "acquisition.plan", Op: Equals},
		{Field: "acquisition.", Op: Equals},
	} {
		if err := c.Validate(); waymark.ErrorKind(err) != waymark.KindInvalid {
			t.Errorf("%+v: Validate = %v, want an invalid-input error", c, err)
		}
	}
}

func TestGlobRegex(t *testing.T) {
	tests := []struct {
		glob, path string
		want       bool
	}{
		{"/pricing", "/pricing", true},
		{"/pricing", "/pricing/team", false}, // anchored
		{"/pricing*", "/pricing/team", true},
		{"*/team", "/pricing/team", true},
		{"/a.b", "/axb", false}, // only * is special
		{"/a+(b)", "/a+(b)", true},
	}
	for _, tt := range tests {
		if got := regexp.MustCompile(GlobRegex(tt.glob)).MatchString(tt.path); got != tt.want {
			t.Errorf("glob %q on %q = %v, want %v", tt.glob, tt.path, got, tt.want)
		}
	}
}

func TestProfileApplyTraits(t *testing.T) {
	// A person's identify calls in time order; the fields a report reads.
	calls := []string{
		`{"plan":"free","email":"a@x.io","seats":3}`,
		`{"plan":"pro","company":{"name":"Acme"}}`,
		`not json`,
		`{"email":null,"seats":"","plan":"team","plan":"business"}`,
		`{"role":"admin"}`,
	}
	profile := Profile{"acquisition.channel": "Email"}
	fields := []Field{"person.plan", "person.email", "person.seats", "person.company", "person.missing", "properties.role", "acquisition.channel"}
	for _, c := range calls {
		profile.ApplyTraits([]byte(c), fields)
	}
	want := Profile{"person.plan": "business", "person.company": `{"name":"Acme"}`, "acquisition.channel": "Email"}
	if len(profile) != len(want) {
		t.Fatalf("profile = %q, want %q", profile, want)
	}
	for k, v := range want {
		if profile[k] != v {
			t.Errorf("profile[%s] = %q, want %q (all: %q)", k, profile[k], v, profile)
		}
	}
}

func TestMembers(t *testing.T) {
	tests := []struct {
		object       string
		names, texts string
	}{
		{`{"b":1,"a":"x","c":null,"d":"","e":{"a" : [1]}}`, `[a b c d e]`, `["x" "1" "" "" "{\"a\" : [1]}"]`},
		{`{"plan":"free","plan":"pro"}`, `[plan]`, `["pro"]`},
		{`{"caf\u00e9":"\ud83d\ude00","x":"\ud800"}`, `[café x]`, "[\"😀\" \"\ufffd\"]"},
		{` { "n" : 12.50 } `, `[n]`, `["12.50"]`},
		{`{"x":[[[[[[[[[[{"plan":"pro"}]]]]]]]]]],"plan":"free"}`, `[plan x]`, `["free" "[[[[[[[[[[{\"plan\":\"pro\"}]]]]]]]]]]"]`},
		{`{}`, `[]`, `[]`},
		{`[{"a":1}]`, `[]`, `[]`},
		{`null`, `[]`, `[]`},
		{``, `[]`, `[]`},
		{`{"q":"a\"b","bad":"x` + "\xff" + `"}`, `[bad q]`, "[\"x\ufffd\" \"a\\\"b\"]"},
	}
	for _, tt := range tests {
		names, texts := Members([]byte(tt.object))
		if got := fmt.Sprint(names); got != tt.names {
			t.Errorf("Members(%s) names = %s, want %s", tt.object, got, tt.names)
		}
		if got := fmt.Sprintf("%q", texts); got != tt.texts {
			t.Errorf("Members(%s) texts = %s, want %s", tt.object, got, tt.texts)
		}
	}
}
