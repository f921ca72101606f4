package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"
)

// queryPerson looks a person up by any of their ids (GET
// /api/v1/persons/{id}).
func queryPerson(ctx context.Context, args []string) error {
	fs := flagSet("query person", "query person ID [flags]")
	var q queryFlags
	q.register(fs, "person, a column per field (traits.KEY for each trait; lists and objects as JSON)")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return errors.New("name one person: waymark query person ID (a userId or anonymousId)")
	}
	answer, err := q.call(ctx, "GET", "/api/v1/persons/"+url.PathEscape(ids[0]), nil)
	if err != nil {
		return err
	}
	var fields jsonFields
	return q.print(answer, &fields, func(w io.Writer) {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, f := range fields {
			fmt.Fprintf(tw, "%s\t%s\n", f.name, f.value)
		}
		tw.Flush()
	}, func() [][]string {
		header, row := make([]string, len(fields)), make([]string, len(fields))
		for i, f := range fields {
			header[i], row[i] = f.name, f.value
		}
		return [][]string{header, row}
	})
}

// field is one member of a JSON answer, flattened: objects' members are
// named with dots (traits.email), strings are their text, and other values
// are JSON.
type field struct{ name, value string }

// jsonFields are the fields of a JSON object, in the answer's order.
type jsonFields []field

func (f *jsonFields) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) == 0 || b[0] != '{' {
		return errors.New("the answer is not a JSON object")
	}
	return flatten("", b, (*[]field)(f))
}

func flatten(prefix string, b []byte, fields *[]field) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.Token() // {
		for dec.More() {
			name, err := dec.Token()
			if err != nil {
				return err
			}
			var value json.RawMessage
			if err := dec.Decode(&value); err != nil {
				return err
			}
			if err := flatten(prefix+name.(string)+".", value, fields); err != nil {
				return err
			}
		}
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*fields = append(*fields, field{prefix[:len(prefix)-1], s})
	default:
		*fields = append(*fields, field{prefix[:len(prefix)-1], string(b)})
	}
	return nil
}
