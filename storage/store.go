package storage

import (
	"context"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// Store is the contract of a storage engine: everything Waymark asks of
// one, stated once. Both engines implement it (var _ storage.Store in each)
// and storagetest checks that they keep it alike. Consumers declare the
// smaller interfaces they use.
type Store interface {
	// Write stores events and dead letters durably and answers only after
	// they are committed. Events whose (project, messageId) is already
	// stored, or repeated earlier in the call, are skipped: duplicate[i]
	// tells which.
	Write(ctx context.Context, events []waymark.Event, rejections []waymark.Rejection) (duplicate []bool, err error)

	// ExportEvents calls fn with every stored event of the project in storage
	// order, with the person it resolves to now.
	ExportEvents(ctx context.Context, projectID string, fn func(e *waymark.Event, personID string) error) error
	// Rejections calls fn with the project's dead letters, oldest first.
	Rejections(ctx context.Context, projectID string, fn func(r *waymark.Rejection) error) error
	// Person returns the person a distinct id resolves to.
	Person(ctx context.Context, projectID, distinctID string) (waymark.Person, error)
	// Group returns a group's latest traits and its members.
	Group(ctx context.Context, projectID, groupID string) (waymark.GroupProfile, error)

	// Reports read the store as a report.Source.
	report.Source

	Projects(ctx context.Context) ([]waymark.Project, error)
	CreateProject(ctx context.Context, p waymark.Project) error

	// Saved journey definitions, per project.
	SaveJourney(ctx context.Context, projectID string, j report.Journey) (report.SavedJourney, error)
	Journey(ctx context.Context, projectID, id string) (report.SavedJourney, error)
	Journeys(ctx context.Context, projectID string) ([]report.SavedJourney, error)
	DeleteJourney(ctx context.Context, projectID, id string) error

	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	Close() error

	// Events calls fn with the stored events q asks for, each message once
	// (see report.EventQuery), with the person each resolves to now. When
	// q.MaxRead stops it before the events end, it returns the cursor of
	// the last event it read, to go on after.
	Events(ctx context.Context, q report.EventQuery, fn func(e *report.StoredEvent) error) (report.EventCursor, error)
	// SearchPersons returns up to limit persons with a distinct id, or a
	// top-level value of an identify call's traits as written in JSON,
	// that contains text, ignoring case: those with an id equal to it
	// first, then the most recently seen. Without text, the most recently
	// seen persons.
	SearchPersons(ctx context.Context, projectID, text string, limit int) ([]waymark.PersonSummary, error)
	// Overview computes the overview figures of a range.
	report.OverviewSource

	// EventsStoredAfter calls fn, in storage order, with the events of f
	// stored after mark, each message once (f may not read person
	// fields), and returns the mark to read on from. Where writes may
	// become visible out of seq order, as with several ClickHouse
	// collectors, the mark also holds the messages a later read may
	// return again, so that no event is missed or passed on twice.
	EventsStoredAfter(ctx context.Context, f report.EventFilter, mark report.LiveMark, fn func(e *report.StoredEvent) error) (report.LiveMark, error)
	// LiveStart returns the mark of a live stream of f that starts after
	// the events stored so far.
	LiveStart(ctx context.Context, f report.EventFilter) (report.LiveMark, error)
}
