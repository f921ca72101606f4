// Package report defines Waymark's reports once, free of storage: what a
// touchpoint is, what a funnel or journey counts, and a pure-Go reference
// evaluator. Engines select the events that match a report's touchpoints
// (see Query) and stream them, per person in time order, into the same
// evaluators, so every engine gives the same numbers.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/waymark-analytics/waymark"
	"unicode/utf8"
)

// Field names a value a condition or breakdown reads: a stored column
// ("name", "channel", "country", ...), a top-level key of the event's
// properties ("properties.plan") or of the traits it carries
// ("traits.email"), or a field of the event's person: a current trait
// ("person.plan") or how they arrived ("acquisition.channel"; see Profile).
// An absent value and an empty string are the same: not set.
type Field string

// Columns are the fields read from an event's typed columns, by name, as the
// engines store them.
var Columns = map[Field]func(e *waymark.Event) string{
	"type": func(e *waymark.Event) string { return string(e.Type) },
	"name": func(e *waymark.Event) string { return e.Name },
	"url":  func(e *waymark.Event) string { return e.Page.URL }, "host": func(e *waymark.Event) string { return e.Page.Host },
	"path": func(e *waymark.Event) string { return e.Page.Path }, "title": func(e *waymark.Event) string { return e.Page.Title },
	"referrer":      func(e *waymark.Event) string { return e.Page.Referrer },
	"referrer_host": func(e *waymark.Event) string { return e.Page.ReferrerHost },
	"utm_source":    func(e *waymark.Event) string { return e.Campaign.Source },
	"utm_medium":    func(e *waymark.Event) string { return e.Campaign.Medium },
	"utm_campaign":  func(e *waymark.Event) string { return e.Campaign.Name },
	"utm_term":      func(e *waymark.Event) string { return e.Campaign.Term },
	"utm_content":   func(e *waymark.Event) string { return e.Campaign.Content },
	"click_id":      func(e *waymark.Event) string { return e.Campaign.ClickID },
	"channel":       func(e *waymark.Event) string { return e.Campaign.Channel },
	"browser":       func(e *waymark.Event) string { return e.Device.Browser },
	"os":            func(e *waymark.Event) string { return e.Device.OS },
	"device_type":   func(e *waymark.Event) string { return e.Device.Type },
	"country":       func(e *waymark.Event) string { return e.Geo.Country },
	"region":        func(e *waymark.Event) string { return e.Geo.Region },
	"city":          func(e *waymark.Event) string { return e.Geo.City },
	"currency": func(e *waymark.Event) string {
		if e.Revenue == nil {
			return ""
		}
		return e.Revenue.Currency
	},
}

// Object returns the JSON object of the event a field reads a key of,
// "properties" or "traits", and the key; ok is false for other fields.
func (f Field) Object() (object, key string, ok bool) {
	object, key, ok = strings.Cut(string(f), ".")
	if !ok || key == "" || (object != "properties" && object != "traits") {
		return "", "", false
	}
	return object, key, true
}

// PersonTrait returns the trait a person field reads; ok is false for
// other fields.
func (f Field) PersonTrait() (key string, ok bool) {
	key, ok = strings.CutPrefix(string(f), "person.")
	return key, ok && key != ""
}

// OfPerson reports whether f reads the event's person rather than the
// event: person.KEY or acquisition.KEY.
func (f Field) OfPerson() bool {
	_, trait := f.PersonTrait()
	_, acquisition := f.acquisition()
	return trait || acquisition
}

// Validate reports a field no engine can read.
func (f Field) Validate() error {
	if _, ok := Columns[f]; ok {
		return nil
	}
	if _, _, ok := f.Object(); ok {
		return nil
	}
	if f.OfPerson() {
		return nil
	}
	if strings.HasPrefix(string(f), "acquisition.") {
		return waymark.Errorf(waymark.KindInvalid, "unknown field %q: acquisition fields are %s", f, strings.Join(acquisitionNames(), ", "))
	}
	return waymark.Errorf(waymark.KindInvalid, "unknown field %q: use a column such as name, path, channel or country, properties.KEY, traits.KEY, person.KEY or acquisition.KEY", f)
}

// Value reads the field of e, whose person has the profile person; set is
// false when it is absent or empty. A JSON string reads as its text; a
// number, true, false, an object or a list reads exactly as written in the
// event, spaces included (12.50 stays "12.50"), at any depth of nesting;
// null reads as not set. A key written twice reads its last value.
func (f Field) Value(e *waymark.Event, person Profile) (value string, set bool) {
	if get, ok := Columns[f]; ok {
		v := get(e)
		return v, v != ""
	}
	if f.OfPerson() {
		v := person[f]
		return v, v != ""
	}
	object, key, _ := f.Object()
	raw := e.Properties
	if object == "traits" {
		raw = e.Traits
	}
	names, texts := Members(raw)
	text, _ := lookupMember(names, texts, key)
	return text, text != ""
}

// Members returns the top-level members of a JSON object as fields read
// them: each key once, in byte order, with the text of its last value as
// Field.Value reads it ("" for null and for an empty string). It returns
// nothing when raw is not a JSON object. Engines store the two lists of
// every event's properties and traits when they write it, so that a field
// reads texts[the position of its key in names], exactly at any depth.
func Members(raw []byte) (names, texts []string) {
	if len(raw) == 0 {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil, nil
	}
	names = slices.Sorted(maps.Keys(m))
	texts = make([]string, len(names))
	for i, name := range names {
		texts[i] = memberText(m[name])
	}
	return names, texts
}

// lookupMember returns a key's text in the lists Members returns, and
// whether the key is there.
func lookupMember(names, texts []string, key string) (text string, found bool) {
	if i, found := slices.BinarySearch(names, key); found {
		return texts[i], true
	}
	return "", false
}

// memberText reads a member's value as Field.Value does.
func memberText(v json.RawMessage) string {
	if string(v) == "null" {
		return ""
	}
	// Most values are strings without escapes, whose text is what is
	// between the quotes: the value is valid JSON, so decoding it would
	// give the same. Decoding each took a third of Members' time
	// (BenchmarkMembers), which every write runs on every event.
	if len(v) >= 2 && v[0] == '"' && bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		return string(v[1 : len(v)-1])
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// Op is a comparison of a condition.
type Op string

const (
	Equals      Op = "="
	NotEquals   Op = "!="
	Contains    Op = "contains"
	NotContains Op = "not_contains"
	Matches     Op = "regex"
	In          Op = "in"
	NotIn       Op = "not_in"
	Greater     Op = ">"
	GreaterEq   Op = ">="
	Less        Op = "<"
	LessEq      Op = "<="
	IsSet       Op = "is_set"
	IsNotSet    Op = "is_not_set"
)

// Condition compares a field with a value, or with a list of values for In
// and NotIn. Negative operators (!=, not_contains, not_in, is_not_set) hold
// for events where the field is not set; the others never do. Numeric
// comparisons hold only when the field's value is a number (see Number).
type Condition struct {
	Field  Field    `json:"field"`
	Op     Op       `json:"op"`
	Value  string   `json:"value,omitempty"`
	Values []string `json:"values,omitempty"`
}

// Validate reports a condition that cannot be evaluated.
func (c Condition) Validate() error {
	if err := c.Field.Validate(); err != nil {
		return err
	}
	switch c.Op {
	case Equals, NotEquals, Contains, NotContains, IsSet, IsNotSet:
	case In, NotIn:
		if len(c.Values) == 0 {
			return waymark.Errorf(waymark.KindInvalid, "condition on %s: %s needs values", c.Field, c.Op)
		}
	case Matches:
		if _, err := regexp.Compile(c.Value); err != nil {
			return waymark.Errorf(waymark.KindInvalid, "condition on %s: bad regex: %v", c.Field, err)
		}
	case Greater, GreaterEq, Less, LessEq:
		if _, ok := Number(c.Value); !ok {
			return waymark.Errorf(waymark.KindInvalid, "condition on %s: %s needs a number of up to %d digits, such as 5, -3 or 12.50, not %q", c.Field, c.Op, MaxNumberDigits, c.Value)
		}
	default:
		return waymark.Errorf(waymark.KindInvalid, "condition on %s: unknown operator %q", c.Field, c.Op)
	}
	return nil
}

// Negative reports whether the operator holds for unset fields.
func (op Op) Negative() bool {
	return op == NotEquals || op == NotContains || op == NotIn || op == IsNotSet
}

// Holds evaluates the condition on e, whose person has the profile person.
// The condition must be valid.
func (c Condition) Holds(e *waymark.Event, person Profile) bool {
	return c.HoldsValue(c.Field.Value(e, person))
}

// HoldsValue evaluates the condition on a value of its field, as
// Field.Value reads it; set is false when the field is not set. Engines
// that keep distinct values apart evaluate a condition once per value.
func (c Condition) HoldsValue(v string, set bool) bool {
	if !set {
		return c.Op.Negative()
	}
	switch c.Op {
	case Equals:
		return v == c.Value
	case NotEquals:
		return v != c.Value
	case Contains:
		return strings.Contains(v, c.Value)
	case NotContains:
		return !strings.Contains(v, c.Value)
	case Matches:
		return regexp.MustCompile(c.Value).MatchString(v)
	case In, NotIn:
		in := false
		for _, want := range c.Values {
			in = in || v == want
		}
		return in == (c.Op == In)
	case Greater, GreaterEq, Less, LessEq:
		x, ok := Number(v)
		if !ok {
			return false
		}
		y, _ := Number(c.Value)
		switch c.Op {
		case Greater:
			return x > y
		case GreaterEq:
			return x >= y
		case Less:
			return x < y
		default:
			return x <= y
		}
	case IsSet:
		return true
	}
	return false
}

// MaxNumberDigits is how many digits a number may have: every engine reads
// numbers that short exactly alike (to the nearest float64).
const MaxNumberDigits = 15

// NumberRegex is what a number looks like: an optional minus sign and up to
// MaxNumberDigits digits with an optional decimal point between two of them,
// as in 5, -3 and 12.50. A plus sign, an exponent (1e3) or a bare point (.5)
// make a value text, so that a value compares the same on every engine.
var NumberRegex = numberRegex()

func numberRegex() string {
	// RE2 cannot count the digits on both sides of the point together, so
	// each length of the integer part gets its own alternative.
	forms := []string{fmt.Sprintf("[0-9]{%d}", MaxNumberDigits)}
	for whole := 1; whole < MaxNumberDigits; whole++ {
		forms = append(forms, fmt.Sprintf(`[0-9]{%d}(?:\.[0-9]{1,%d})?`, whole, MaxNumberDigits-whole))
	}
	return "^-?(?:" + strings.Join(forms, "|") + ")$"
}

var numberSyntax = regexp.MustCompile(NumberRegex)

// Number reads v as a number, if it is one (see NumberRegex).
func Number(v string) (float64, bool) {
	if !numberSyntax.MatchString(v) {
		return 0, false
	}
	x, err := strconv.ParseFloat(v, 64)
	return x, err == nil
}

// Touchpoint is a kind of event a report counts: an event name and type, a
// page path pattern, and conditions, all of which must hold. Empty parts
// match every event.
type Touchpoint struct {
	Label string `json:"label,omitempty"` // shown in results; defaults to the event name or path
	Event string `json:"event,omitempty"` // the track event, or the page or screen name
	Type  string `json:"type,omitempty"`  // track, page, screen, identify, group or alias
	// Path matches the page path; * stands for any run of characters.
	Path  string      `json:"path,omitempty"`
	Where []Condition `json:"where,omitempty"`
}

// Conditions returns the touchpoint as conditions only, the form engines
// compile: Event, Type and Path become conditions on name, type and path.
func (t Touchpoint) Conditions() []Condition {
	var cs []Condition
	if t.Event != "" {
		cs = append(cs, Condition{Field: "name", Op: Equals, Value: t.Event})
	}
	if t.Type != "" {
		cs = append(cs, Condition{Field: "type", Op: Equals, Value: t.Type})
	}
	if t.Path != "" {
		cs = append(cs, Condition{Field: "path", Op: Matches, Value: GlobRegex(t.Path)})
	}
	return append(cs, t.Where...)
}

// GlobRegex turns a path pattern into an anchored regular expression.
func GlobRegex(glob string) string {
	parts := strings.Split(glob, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return "^" + strings.Join(parts, ".*") + "$"
}

// Validate reports a touchpoint that cannot be evaluated.
func (t Touchpoint) Validate() error {
	for _, c := range t.Conditions() {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Matches reports whether e, whose person has the profile person, is this
// touchpoint.
func (t Touchpoint) Matches(e *waymark.Event, person Profile) bool {
	for _, c := range t.Conditions() {
		if !c.Holds(e, person) {
			return false
		}
	}
	return true
}

// String names the touchpoint for results.
func (t Touchpoint) String() string {
	switch {
	case t.Label != "":
		return t.Label
	case t.Event != "":
		return t.Event
	case t.Path != "":
		return t.Path
	case t.Type != "":
		return t.Type
	}
	return fmt.Sprintf("%d conditions", len(t.Where))
}
