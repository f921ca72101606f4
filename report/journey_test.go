package report

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

// A journey case file holds, one per line:
//
//	# a comment
//	journey {JSON definition}
//	path PERSONS SECONDS EVENT...   (each of PERSONS new persons does the events, SECONDS apart)
//	expect PATH JSON                (as in funnel cases)
func TestJourneyCases(t *testing.T) {
	eachCaseFile(t, "testdata/journeys", func(t *testing.T, file string) {
		j, events, expects := readJourneyCase(t, file)
		src := &Reference{Events: events, PersonOf: func(id string) string { return id }}
		r, err := RunJourney(context.Background(), src, "p", j, JourneyRange{})
		if err != nil {
			t.Fatal(err)
		}
		checkExpectations(t, r, expects)
		samePartitioned(t, src, func(src Dataset) (any, error) { return RunJourney(context.Background(), src, "p", j, JourneyRange{}) })
	})
}

func readJourneyCase(t *testing.T, file string) (Journey, []waymark.Event, []expectation) {
	var j Journey
	var events []waymark.Event
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	persons := 0
	expects := readCaseLines(t, file, func(_ int, kind, rest string) error {
		switch kind {
		case "journey":
			return json.Unmarshal([]byte(rest), &j)
		case "path":
			f := strings.Fields(rest)
			count, err1 := strconv.Atoi(f[0])
			gap, err2 := strconv.Atoi(f[1])
			if err1 != nil || err2 != nil || len(f) < 3 {
				return fmt.Errorf("path PERSONS SECONDS EVENT...")
			}
			for range count {
				persons++
				at := start.Add(time.Duration(persons) * time.Minute)
				for _, name := range f[2:] {
					events = append(events, waymark.Event{ProjectID: "p", MessageID: fmt.Sprint("m", len(events)), Type: waymark.Track,
						Name: name, AnonymousID: fmt.Sprint("person", persons), Timestamp: at, ReceivedAt: at})
					at = at.Add(time.Duration(gap) * time.Second)
				}
			}
			return nil
		}
		return fmt.Errorf("unknown line kind %q", kind)
	})
	return j, events, expects
}
