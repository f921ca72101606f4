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

	// Reports read the store as a report.Source, and their warnings the
	// catalog's EventNames (report.Catalog).
	report.Source

	// The schema catalog: what each project's events are called and carry,
	// with counts, as report.Reference defines them. Event names and
	// property keys come from a summary that writes maintain, so they
	// answer fast however many events there are; trait keys count persons,
	// which a summary of events cannot, over the identify calls.
	//
	// EventNames lists every (type, name) of the project's events with their
	// number and first and last times, most events first.
	EventNames(ctx context.Context, projectID string) ([]report.EventName, error)
	// PropertyKeys lists the top-level property keys of the events the
	// filter picks, with the number of events that have each, most first.
	PropertyKeys(ctx context.Context, projectID string, filter report.EventKind) ([]report.PropertyKey, error)
	// TraitKeys lists the keys of identify calls' traits with the number of
	// persons who sent each with a value, most first.
	TraitKeys(ctx context.Context, projectID string) ([]report.TraitKey, error)
	// FieldValues lists the most common values of a field, read on demand:
	// of an event field among the events (of one name), of a person field
	// among the persons (who did an event of that name).
	FieldValues(ctx context.Context, projectID string, q report.ValuesQuery) ([]report.FieldValue, error)

	Projects(ctx context.Context) ([]waymark.Project, error)
	CreateProject(ctx context.Context, p waymark.Project) error

	// Saved journey definitions, per project. SaveJourney creates or
	// replaces; CreateJourney fails with KindConflict when a journey has
	// the id, even one that another request saves at the same time.
	SaveJourney(ctx context.Context, projectID string, j report.Journey) (report.SavedJourney, error)
	CreateJourney(ctx context.Context, projectID string, j report.Journey) (report.SavedJourney, error)
	Journey(ctx context.Context, projectID, id string) (report.SavedJourney, error)
	Journeys(ctx context.Context, projectID string) ([]report.SavedJourney, error)
	DeleteJourney(ctx context.Context, projectID, id string) error

	// Ad spend per value of a field and day, as report.SpendRow defines
	// it. ImportSpend stores rows (that report.CheckSpendRows accepts),
	// each replacing the stored row of the same field, value and day: all
	// of them, or on an error none. Spend (report.SpendReader) reads them.
	ImportSpend(ctx context.Context, projectID string, rows []report.SpendRow) error
	report.SpendReader

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
