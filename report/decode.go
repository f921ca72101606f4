package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
)

// DecodeJSON reads one JSON value, a report definition or a request that
// holds one, into v, a pointer. It refuses unknown fields, so that a
// misspelt option is an error rather than silently ignored. Its errors say
// in the words of the JSON which field is wrong and what it should be
// ("steps[1].window: ..."), never Go's names of types or time layouts.
func DecodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); err != io.EOF {
			return invalid("unexpected text after the JSON value")
		}
		return nil
	}
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return invalid("expected a JSON object, found nothing")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("the JSON ends before it is complete")
	case errors.As(err, &syntax):
		line, column := position(data, syntax.Offset)
		return invalid("not valid JSON at line %d, column %d: %s", line, column, syntax)
	}
	// Find the value that fails, with its path, by decoding the parts one
	// by one: encoding/json says neither for every kind of error.
	path, cause := locate(data, reflect.TypeOf(v).Elem(), "")
	if cause == nil {
		path, cause = "", err
	}
	return invalid("%s", describe(path, cause))
}

// position is the line and column, from 1, of the byte before offset.
func position(data []byte, offset int64) (line, column int) {
	before := data[:max(0, min(int(offset)-1, len(data)))]
	line = 1 + bytes.Count(before, []byte("\n"))
	return line, 1 + len(before) - (bytes.LastIndexByte(before, '\n') + 1)
}

// unknownField is a member of a JSON object that names no field of it.
type unknownField struct {
	name   string
	fields []string
}

func (e *unknownField) Error() string {
	return fmt.Sprintf("unknown field %q; the fields here are %s", e.name, strings.Join(e.fields, ", "))
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// locate decodes data, JSON for a value of type t at path, part by part,
// and returns the path of the first part that fails and its error; the
// error is nil when every part decodes.
func locate(data []byte, t reflect.Type, path string) (string, error) {
	if string(bytes.TrimSpace(data)) == "null" {
		return "", nil
	}
	composite := t.Kind() == reflect.Pointer || t.Kind() == reflect.Struct || t.Kind() == reflect.Slice || t.Kind() == reflect.Map
	if !composite || reflect.PointerTo(t).Implements(unmarshalerType) {
		err := json.Unmarshal(data, reflect.New(t).Interface())
		if typeErr, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			typeErr.Value = jsonKind(data)
		}
		return path, err
	}
	switch t.Kind() {
	case reflect.Pointer:
		return locate(data, t.Elem(), path)
	case reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return path, &json.UnmarshalTypeError{Value: jsonKind(data), Type: t}
		}
		for i, item := range items {
			if p, err := locate(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return p, err
			}
		}
		return "", nil
	}
	members, err := objectMembers(data)
	if err != nil {
		return path, &json.UnmarshalTypeError{Value: jsonKind(data), Type: t}
	}
	var fields []jsonField
	if t.Kind() == reflect.Struct {
		fields = jsonFields(t)
	}
	for _, m := range members {
		var name string
		var field reflect.Type
		if t.Kind() == reflect.Map {
			name, field = m.name, t.Elem()
		} else {
			i := fieldNamed(fields, m.name)
			if i < 0 {
				var names []string
				for _, f := range fields {
					names = append(names, f.name)
				}
				return path, &unknownField{m.name, names}
			}
			name, field = fields[i].name, fields[i].typ
		}
		if path != "" {
			name = path + "." + name
		}
		if p, err := locate(m.value, field, name); err != nil {
			return p, err
		}
	}
	return "", nil
}

type member struct {
	name  string
	value json.RawMessage
}

// objectMembers returns a JSON object's members in order.
func objectMembers(data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	var members []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		m := member{name: tok.(string)}
		if err := dec.Decode(&m.value); err != nil {
			return nil, err
		}
		members = append(members, m)
	}
	return members, nil
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the JSON fields of a struct type, those of embedded
// structs included, as encoding/json reads them.
func jsonFields(t reflect.Type) []jsonField {
	var fields []jsonField
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			fields = append(fields, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields = append(fields, jsonField{name, f.Type})
	}
	return fields
}

// fieldNamed returns the index of the field a JSON member name sets,
// matching case as encoding/json does: exactly, or else ignoring case.
func fieldNamed(fields []jsonField, name string) int {
	folded := -1
	for i, f := range fields {
		if f.name == name {
			return i
		}
		if folded < 0 && strings.EqualFold(f.name, name) {
			folded = i
		}
	}
	return folded
}

// describe says what is wrong with the value at path.
func describe(path string, err error) string {
	at := ""
	if path != "" {
		at = path + ": "
	}
	var typeErr *json.UnmarshalTypeError
	var timeErr *time.ParseError
	var ours *waymark.Error
	var unknown *unknownField
	switch {
	case errors.As(err, &unknown):
		if path != "" {
			return fmt.Sprintf("%s: %v", path, unknown)
		}
		return unknown.Error()
	case errors.As(err, &ours):
		return at + ours.Message
	case errors.As(err, &typeErr):
		value := typeErr.Value
		if path == "" && typeErr.Field != "" {
			// Not located: encoding/json's own error, in its words.
			at = typeErr.Field + ": "
			value = map[string]string{"array": "a list", "object": "an object", "string": "a string", "bool": "true or false"}[value]
			if value == "" {
				value = "a number"
			}
		}
		return fmt.Sprintf("%sexpected %s, not %s", at, expected(typeErr.Type), value)
	case errors.As(err, &timeErr):
		return fmt.Sprintf("%s%q is not an RFC 3339 time (2026-09-01T12:00:00Z)", at, timeErr.Value)
	}
	return at + "not a valid value"
}

// expected says what a value of type t is, in the words of the docs.
func expected(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[Duration]():
		return "a duration such as 7d"
	case reflect.TypeFor[Time](), reflect.TypeFor[time.Time]():
		return "a date (2026-09-01) or an RFC 3339 time"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return expected(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		switch e := t.Elem(); {
		case e.Kind() == reflect.Struct:
			return "a list of " + strings.ToLower(e.Name()[:1]) + e.Name()[1:] + "s"
		case e.Kind() == reflect.String:
			return "a list of strings"
		}
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "another kind of value"
}

// jsonKind names the kind of a JSON value for messages: "a string", "a
// list"...
func jsonKind(data []byte) string {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return "nothing"
	}
	switch data[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f', 'n':
		return string(data)
	}
	return "a number"
}
