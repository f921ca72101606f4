package report

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestEncodeYAMLQuotes checks which strings EncodeYAML quotes: those that a
// YAML 1.1 or 1.2 parser reads as something else get double quotes, those
// that cannot be plain get the encoder's quotes, and the rest stay plain.
// Every one reads back as the same string.
func TestEncodeYAMLQuotes(t *testing.T) {
	misread := []string{
		"=", "<<", "~", "null", "Null", "NULL", "true", "False", "yes", "Yes", "NO", "no", "on", "On", "off", "OFF", "y", "Y", "n", "N",
		"1", "-3", "+5", "12.50", "1.", ".5", "1e3", "1.5E-3", "0x1F", "0o17", "017", "0b101", "1_000", "1:30", "1:30:15.5", "1.2.3", ".",
		".inf", "-.Inf", "+.INF", ".nan", ".NaN", "2026-09-01", "2026-9-1", "2026-09-01T12:00:00Z", "2026-09-01 12:00:00", "",
	}
	cannotBePlain := []string{"*x", "&x", "!x", "%x", "@x", "`x", "|x", ">=", "'x", `"x`, "#x", "{x", "[x", "- x", "? x", ": x", "x: y", "x #y", " x", "x ", "-"}
	plain := []string{"Lead nurturing", "30d", "7d", "1st", "2nd step", "channel", "properties.plan", "Form Submitted", "yesterday", "nope", "onboarding",
		"x=y", "in", "not_in", "/pricing*", "-x", "a-b", "e1", "0xZ", "1.2.3a", "2026-09", "Q3 2026", "ünïcode", "a < b & c"}
	for _, s := range append(append(misread, cannotBePlain...), plain...) {
		out, err := EncodeYAML(map[string]string{"name": s})
		if err != nil {
			t.Fatal(err)
		}
		text := strings.TrimSuffix(strings.TrimPrefix(string(out), "name: "), "\n")
		var want string
		switch {
		case slices.Contains(misread, s):
			want = fmt.Sprintf("%q", s)
		case slices.Contains(plain, s):
			want = s
		}
		if want != "" && text != want {
			t.Errorf("%q is written %s, want %s", s, text, want)
		}
		if want == "" && !strings.HasPrefix(text, `'`) && !strings.HasPrefix(text, `"`) {
			t.Errorf("%q is written %s, want it quoted", s, text)
		}
		var back map[string]any
		if err := yaml.Unmarshal(out, &back); err != nil || back["name"] != s {
			t.Errorf("%q is written %s, which reads back as %#v (%v)", s, text, back["name"], err)
		}
	}
}

// TestEncodeYAMLDefinition writes a journey whose conditions hold the
// values common parsers misread, in block style and in the definition's
// field order.
func TestEncodeYAMLDefinition(t *testing.T) {
	j := Journey{ID: "j", Name: "yes", Window: Duration(DefaultWindow), Stages: []Stage{
		{Name: "2026-09-01", Touchpoints: []Touchpoint{{Event: "Form", Where: []Condition{
			{Field: "properties.plan", Op: Equals, Value: "on"},
			{Field: "properties.amount", Op: GreaterEq, Value: "12.50"},
			{Field: "properties.code", Op: In, Values: []string{"null", "007", "x"}},
		}}}},
		{Name: "Paid", Touchpoints: []Touchpoint{{Label: "~", Event: "Paid"}}},
	}}
	out, err := EncodeYAML([]Journey{j})
	if err != nil {
		t.Fatal(err)
	}
	want := `- id: j
  name: "yes"
  stages:
    - name: "2026-09-01"
      touchpoints:
        - event: Form
          where:
            - field: properties.plan
              op: "="
              value: "on"
            - field: properties.amount
              op: '>='
              value: "12.50"
            - field: properties.code
              op: in
              values:
                - "null"
                - "007"
                - x
    - name: Paid
      touchpoints:
        - label: "~"
          event: Paid
  window: 30d
`
	if string(out) != want {
		t.Errorf("YAML:\n%s\nwant\n%s", out, want)
	}
	// Read back as waymark journeys import reads YAML: into generic values,
	// sent on as JSON.
	var generic any
	if err := yaml.Unmarshal(out, &generic); err != nil {
		t.Fatal(err)
	}
	asJSON, _ := json.Marshal(generic)
	var back []Journey
	if err := DecodeJSON(asJSON, &back); err != nil || !reflect.DeepEqual(back, []Journey{j}) {
		t.Errorf("reads back as %+v, %v; want %+v", back, err, j)
	}
}
