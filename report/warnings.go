package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// NoEventsYet is the warning of a report on a project without events.
const NoEventsYet = "no events yet: the dashboard of this server shows how to send the first one"

// maxSuggestions bounds the names a warning suggests for a misspelt one.
const maxSuggestions = 3

// Warnings are sentences about what makes a report's numbers mislead though
// it ran: the project has no events at all; a touchpoint names an event (its
// event, or a condition name = or in) that no event of the project has,
// with the closest names that do exist, so that a misspelt name is told
// from one without events; or the range [from, to) lies outside the data
// (zero bounds are open). A report with nothing to say has an empty list.
func Warnings(ctx context.Context, c Catalog, projectID string, touchpoints []Touchpoint, from, to time.Time) ([]string, error) {
	names, err := c.EventNames(ctx, projectID)
	if err != nil {
		return nil, fmt.Errorf("event names: %w", err)
	}
	if len(names) == 0 {
		return []string{NoEventsYet}, nil
	}
	warnings := []string{}
	for _, t := range touchpoints {
		for _, name := range namedEvents(t) {
			if w := unknownEvent(names, t.Type, name); w != "" && !slices.Contains(warnings, w) {
				warnings = append(warnings, w)
			}
		}
	}
	first, last := names[0].FirstSeen, names[0].LastSeen
	for _, n := range names {
		first, last = MinTime(first, n.FirstSeen), MaxTime(last, n.LastSeen)
	}
	if (!from.IsZero() && from.After(last)) || (!to.IsZero() && !to.After(first)) {
		var when string
		switch {
		case from.IsZero():
			when = "before " + warningTime(to)
		case to.IsZero():
			when = "from " + warningTime(from) + " on"
		default:
			when = "between " + warningTime(from) + " and " + warningTime(to)
		}
		warnings = append(warnings, fmt.Sprintf("no events %s; the project's data spans %s to %s", when, warningTime(first), warningTime(last)))
	}
	return warnings, nil
}

// namedEvents returns the event names a touchpoint requires: its event and
// the values of its conditions on name with = or in.
func namedEvents(t Touchpoint) []string {
	var names []string
	if t.Event != "" {
		names = append(names, t.Event)
	}
	for _, c := range t.Where {
		switch {
		case c.Field == "name" && c.Op == Equals:
			names = append(names, c.Value)
		case c.Field == "name" && c.Op == In:
			names = append(names, c.Values...)
		}
	}
	return names
}

// unknownEvent is the warning for an event name (of a type, or any) that
// no event has, or "" when some event has it.
func unknownEvent(names []EventName, eventType, name string) string {
	var candidates []EventName
	for _, n := range names {
		if eventType != "" && n.Type != eventType {
			continue
		}
		if n.Name == name {
			return ""
		}
		if n.Name != "" {
			candidates = append(candidates, n)
		}
	}
	kind := "event"
	if eventType != "" {
		kind = eventType + " event"
	}
	w := fmt.Sprintf("no %s is named %q", kind, name)
	if s := suggestions(candidates, name); len(s) > 0 {
		w += "; did you mean " + orList(s) + "?"
	}
	return w
}

// suggestions returns the names closest to name: the same but for case,
// then those a few edits away (about one in four characters), nearest and
// then most used first, at most maxSuggestions.
func suggestions(candidates []EventName, name string) []string {
	type near struct {
		name     string
		distance int
		events   int64
	}
	limit := max(1, utf8.RuneCountInString(name)/4)
	var found []near
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c.Name] {
			continue
		}
		seen[c.Name] = true
		d := editDistance(strings.ToLower(c.Name), strings.ToLower(name))
		if strings.EqualFold(c.Name, name) {
			d = -1
		}
		if d <= limit {
			found = append(found, near{c.Name, d, c.Events})
		}
	}
	slices.SortFunc(found, func(a, b near) int {
		return cmp.Or(cmp.Compare(a.distance, b.distance), cmp.Compare(b.events, a.events), cmp.Compare(a.name, b.name))
	})
	var out []string
	for _, n := range found[:min(len(found), maxSuggestions)] {
		out = append(out, n.name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	row := make([]int, len(y)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(x); i++ {
		diagonal := row[0]
		row[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			diagonal, row[j] = row[j], min(row[j]+1, row[j-1]+1, diagonal+cost)
		}
	}
	return row[len(y)]
}

// orList quotes names as "a", "b" or "c".
func orList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// warningTime writes a time as a date when it is midnight UTC, else in
// RFC 3339.
func warningTime(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}
