package ingest

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// topLevelFields are the Segment message fields a CSV column can fill
// directly; matching is case-insensitive.
var topLevelFields = []string{"type", "messageId", "userId", "anonymousId", "event", "name", "timestamp", "groupId", "previousId", "category"}

// CSVMessages reads a CSV file with a header row and turns each row into a
// Segment message. mapping names the column for a message field
// ("userId" -> "customer"); without it a column named like a field fills it
// ("userId", "properties.plan", "context.campaign.source", "traits.email").
// Other columns become properties, or traits in identify and group rows.
// The type defaults to defaultType. Values that read as numbers or booleans
// are stored as such; empty cells are left out. A row without a messageId
// gets one derived from its content, so importing a file twice stores it once.
func CSVMessages(r io.Reader, mapping map[string]string, defaultType string, fn func(json.RawMessage) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("csv header: %w", err)
	}
	header = slices.Clone(header) // ReuseRecord would overwrite it
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF") // spreadsheet byte-order mark
	}
	fields, err := csvFields(header, mapping)
	if err != nil {
		return err
	}
	for line := 2; ; line++ {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("csv: %w", err)
		}
		msg := map[string]any{"type": defaultType}
		for i, value := range record {
			if value == "" || fields[i] == "" {
				continue
			}
			setPath(msg, fields[i], value)
		}
		bag := "properties"
		if t, _ := msg["type"].(string); t == "identify" || t == "group" {
			bag = "traits"
		}
		for i, value := range record {
			if value != "" && fields[i] == "" {
				setPath(msg, bag+"."+header[i], value)
			}
		}
		if _, ok := msg["messageId"]; !ok {
			msg["messageId"] = rowID(header, record)
		}
		raw, err := json.Marshal(msg)
		if err != nil {
			return fmt.Errorf("csv line %d: %w", line, err)
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
}

// rowID names a CSV row by its content: the same row imported again is the
// same message.
func rowID(header, record []string) string {
	h := sha256.New()
	for i, cell := range record {
		fmt.Fprintf(h, "%d:%s=%d:%s;", len(header[i]), header[i], len(cell), cell)
	}
	return "csv-" + hex.EncodeToString(h.Sum(nil)[:16])
}

// csvFields returns, per column, the message field it fills: a top-level
// field, a dotted path under properties, traits or context, or "" for a
// column that goes to the default bag.
func csvFields(header []string, mapping map[string]string) ([]string, error) {
	fields := make([]string, len(header))
	column := make(map[string]int, len(header))
	for i, h := range header {
		column[h] = i
		if f, ok := canonicalField(h); ok {
			fields[i] = f
		}
	}
	for field, col := range mapping {
		i, ok := column[col]
		if !ok {
			return nil, fmt.Errorf("--map %s=%s: the CSV has no column %q", field, col, col)
		}
		f, ok := canonicalField(field)
		if !ok {
			return nil, fmt.Errorf("--map %s=%s: %q is not a message field (use one of %s, or properties.X, traits.X, context.X)", field, col, field, strings.Join(topLevelFields, ", "))
		}
		fields[i] = f
	}
	return fields, nil
}

func canonicalField(name string) (string, bool) {
	for _, f := range topLevelFields {
		if strings.EqualFold(name, f) {
			return f, true
		}
	}
	for _, bag := range []string{"properties.", "traits.", "context."} {
		if len(name) > len(bag) && strings.EqualFold(name[:len(bag)], bag) {
			return bag + name[len(bag):], true
		}
	}
	return "", false
}

// setPath sets a dotted path in a nested message; leaf values are typed.
func setPath(msg map[string]any, path, value string) {
	parts := strings.Split(path, ".")
	node := msg
	for _, p := range parts[:len(parts)-1] {
		child, ok := node[p].(map[string]any)
		if !ok {
			child = map[string]any{}
			node[p] = child
		}
		node = child
	}
	leaf := parts[len(parts)-1]
	if len(parts) == 1 {
		node[leaf] = value // top-level fields are strings in Segment's spec
		return
	}
	node[leaf] = typedValue(value)
}

func typedValue(s string) any {
	if (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Valid([]byte(s)) {
		return json.Number(s) // a JSON number literal: "007" and "1,5" stay strings
	}
	if s == "true" || s == "false" {
		return s == "true"
	}
	return s
}
