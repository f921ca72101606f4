package storage

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// PersonRow is what an engine reads of a person for a summary.
type PersonRow struct {
	Person              string
	IDs                 []string // sorted
	FirstSeen, LastSeen time.Time
	Events              int
	Traits              []string // the person's identify traits objects, oldest first
}

// summaryTraits are the traits a summary reads.
var summaryTraits = []report.Field{"person.email", "person.name", "person.firstName", "person.lastName"}

var errFound = errors.New("found")

// SearchPersons is Store.SearchPersons for an engine. match returns the page
// of persons whose ids or trait values contain text, which it gets in lower
// case; without text the most recently seen persons are those of the
// newest events. describe reads the rows of the persons found.
func SearchPersons(ctx context.Context, projectID, text string, limit int,
	match func(ctx context.Context, projectID, text string, limit int) ([]string, error),
	events func(ctx context.Context, q report.EventQuery, fn func(e *report.StoredEvent) error) (report.EventCursor, error),
	describe func(ctx context.Context, projectID string, persons []string) ([]PersonRow, error),
) ([]waymark.PersonSummary, error) {
	var persons []string
	if text = strings.ToLower(strings.TrimSpace(text)); text != "" {
		var err error
		if persons, err = match(ctx, projectID, text, limit); err != nil {
			return nil, err
		}
	} else {
		seen := map[string]bool{}
		q := report.EventQuery{EventFilter: report.EventFilter{ProjectID: projectID}, Newest: true}
		_, err := events(ctx, q, func(e *report.StoredEvent) error {
			if !seen[e.PersonID] {
				seen[e.PersonID] = true
				persons = append(persons, e.PersonID)
			}
			if len(persons) == limit {
				return errFound
			}
			return nil
		})
		if err != nil && !errors.Is(err, errFound) {
			return nil, err
		}
	}
	summaries := []waymark.PersonSummary{}
	if len(persons) == 0 {
		return summaries, nil
	}
	rows, err := describe(ctx, projectID, persons)
	if err != nil {
		return nil, err
	}
	byPerson := make(map[string]PersonRow, len(rows))
	for _, r := range rows {
		byPerson[r.Person] = r
	}
	for _, person := range persons {
		r, ok := byPerson[person]
		if !ok {
			continue // no events left: the person was merged away meanwhile
		}
		traits := report.Profile{}
		for _, object := range r.Traits {
			traits.ApplyTraits([]byte(object), summaryTraits)
		}
		name := traits["person.name"]
		if name == "" {
			name = strings.TrimSpace(traits["person.firstName"] + " " + traits["person.lastName"])
		}
		summaries = append(summaries, waymark.PersonSummary{
			ID: person, IDs: r.IDs, Email: traits["person.email"], Name: name,
			FirstSeen: r.FirstSeen, LastSeen: r.LastSeen, Events: r.Events,
		})
	}
	return summaries, nil
}
