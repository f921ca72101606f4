package storage

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// JourneyDefinition is the text an engine stores of a journey: its JSON,
// which reads back into the same definition, with & < > as they are.
func JourneyDefinition(j report.Journey) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return "", fmt.Errorf("journey %s: %w", j.ID, err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// JourneyExists is the error of creating a journey under an id that a
// saved journey has.
func JourneyExists(id string) error {
	return waymark.Errorf(waymark.KindConflict, "a journey with id %q exists", id)
}

// ReadJourney reads a stored row of a journey: its id, the definition's
// text and when it was saved. A definition that cannot be read or run
// sets the journey's Error.
func ReadJourney(id, definition string, updated time.Time) report.SavedJourney {
	s := report.SavedJourney{Updated: updated.UTC()}
	err := report.DecodeJSON([]byte(definition), &s.Journey)
	if err == nil {
		err = s.Validate()
	}
	if err != nil {
		s.Error = waymark.ErrorMessage(err)
	}
	s.ID = id
	return s
}

// SortJourneys puts journeys in the order stores list them: by name, then
// by id.
func SortJourneys(journeys []report.SavedJourney) {
	slices.SortFunc(journeys, func(a, b report.SavedJourney) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
}

// ReadJourneys reads rows of an id, a definition and when it was saved, as
// an engine stores that time (T), and closes them. It returns the journeys
// in the order stores list them; a definition that cannot be read does not
// fail the list (see ReadJourney).
func ReadJourneys[T any](rows Rows, savedAt func(T) time.Time) ([]report.SavedJourney, error) {
	defer rows.Close()
	var journeys []report.SavedJourney
	for rows.Next() {
		var id, definition string
		var updated T
		if err := rows.Scan(&id, &definition, &updated); err != nil {
			return nil, fmt.Errorf("list journeys: %w", err)
		}
		journeys = append(journeys, ReadJourney(id, definition, savedAt(updated)))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list journeys: %w", err)
	}
	SortJourneys(journeys)
	return journeys, nil
}
