package clickhouse

import (
	"context"
	"fmt"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/storage"
)

// Write stores events, dead letters and the identity changes the events
// carry, and returns once ClickHouse has acknowledged every insert. Events
// whose (project, messageId) this process knows to be stored, or repeated
// earlier in the same call, are skipped; duplicate[i] tells which. Another
// collector may store the same message at the same moment: readers keep one
// copy, so nothing counts twice.
func (s *Store) Write(ctx context.Context, events []waymark.Event, rejections []waymark.Rejection) (duplicate []bool, err error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	defer func() {
		if err != nil && waymark.ErrorKind(err) == waymark.KindInternal {
			err = unavailable(err)
		}
	}()
	if s.seen == nil {
		if s.seen, err = s.loadMessageSet(ctx); err != nil {
			return nil, err
		}
	}

	hashes := make([]int64, len(events))
	for i := range events {
		hashes[i] = storage.MessageHash(events[i].ProjectID, events[i].MessageID)
	}
	duplicate, err = s.seen.Duplicates(events, hashes, func(hashes []int64) (map[storage.Message]bool, error) {
		return s.storedMessages(ctx, hashes)
	})
	if err != nil {
		return nil, err
	}
	first := s.clock.next(len(events) + len(rejections))
	if err := s.insertEvents(ctx, events, duplicate, hashes, first); err != nil {
		return nil, err
	}
	if err := s.insertRejections(ctx, rejections, first+int64(len(events))); err != nil {
		return nil, err
	}
	// Links of duplicates too: their first write may have stopped after
	// storing the events, before the links.
	if err := s.resolveIdentities(ctx, events, first); err != nil {
		return nil, err
	}
	for i, h := range hashes {
		if !duplicate[i] {
			s.seen.Add(h)
		}
	}
	return duplicate, nil
}

// insertEvents sends the events that are not duplicates as one block,
// column by column: appending row by row costs a reflective call per value.
func (s *Store) insertEvents(ctx context.Context, events []waymark.Event, duplicate []bool, hashes []int64, first int64) error {
	var ints [4][]int64      // seq, message_hash, timestamp, received_at
	var nullInts [2][]*int64 // original_timestamp, sent_at
	var revenue []*float64   //
	var strs [eventStringColumns][]string
	var members [4][][]string // properties names and texts, traits names and texts
	for i := range events {
		if duplicate[i] {
			continue
		}
		e := &events[i]
		f := storage.Flatten(e)
		for k, v := range [...]int64{first + int64(i), hashes[i], micros(f.Timestamp), micros(f.ReceivedAt)} {
			ints[k] = append(ints[k], v)
		}
		nullInts[0] = append(nullInts[0], nullMicros(f.OriginalTimestamp))
		nullInts[1] = append(nullInts[1], nullMicros(f.SentAt))
		revenue = append(revenue, f.Revenue)
		for k, v := range [eventStringColumns]string{
			e.ProjectID, f.MessageID, f.Type, f.Name, e.DistinctID(),
			f.UserID, f.AnonymousID, f.GroupID, f.PreviousID,
			f.URL, f.Host, f.Path, f.Title, f.Referrer, f.ReferrerHost,
			f.Source, f.Medium, f.Campaign, f.Term, f.Content, f.ClickID, f.Channel,
			f.Browser, f.BrowserVersion, f.OS, f.OSVersion, f.DeviceType,
			f.IP, f.Country, f.Region, f.City,
			f.Currency, f.Properties, f.Traits, f.Context, f.Integrations,
		} {
			strs[k] = append(strs[k], v)
		}
		for k, list := range [...][]string{f.PropertiesNames, f.PropertiesTexts, f.TraitsNames, f.TraitsTexts} {
			members[k] = append(members[k], list)
		}
	}
	if len(revenue) == 0 {
		return nil
	}
	columns := []any{ints[0], ints[1], ints[2], ints[3], nullInts[0], nullInts[1], revenue}
	for _, c := range strs {
		columns = append(columns, c)
	}
	for _, c := range members {
		columns = append(columns, c)
	}
	batch, err := s.conn.PrepareBatch(ctx, queries.Get("InsertEvents"))
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	defer batch.Abort()
	for i, c := range columns {
		if err := batch.Column(i).Append(c); err != nil {
			return fmt.Errorf("insert events, column %d: %w", i, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	return nil
}

// eventStringColumns is the number of String columns in InsertEvents.
const eventStringColumns = 36

func (s *Store) insertRejections(ctx context.Context, rejections []waymark.Rejection, first int64) error {
	if len(rejections) == 0 {
		return nil
	}
	batch, err := s.conn.PrepareBatch(ctx, queries.Get("InsertRejections"))
	if err != nil {
		return fmt.Errorf("store rejections: %w", err)
	}
	defer batch.Abort()
	for i, r := range rejections {
		if err := batch.Append(r.ProjectID, r.MessageID, r.Reason, string(r.Payload), micros(r.ReceivedAt), first+int64(i)); err != nil {
			return fmt.Errorf("store rejection: %w", err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("store rejections: %w", err)
	}
	return nil
}

func (s *Store) loadMessageSet(ctx context.Context) (*storage.MessageSet, error) {
	rows, err := s.conn.Query(ctx, queries.Get("MessageHashes"))
	if err != nil {
		return nil, fmt.Errorf("load message hashes: %w", err)
	}
	hashes, err := storage.Values[int64](rows)
	if err != nil {
		return nil, fmt.Errorf("load message hashes: %w", err)
	}
	return storage.NewMessageSet(hashes), nil
}

// storedMessages confirms duplicate candidates: which messages with the
// given hashes are stored.
func (s *Store) storedMessages(ctx context.Context, hashes []int64) (map[storage.Message]bool, error) {
	rows, err := s.conn.Query(ctx, queries.Get("StoredMessages"), set(hashes))
	if err != nil {
		return nil, unavailable(err)
	}
	stored, err := storage.Messages(rows)
	if err != nil {
		return nil, unavailable(err)
	}
	return stored, nil
}

// micros is how times are stored: microseconds since the epoch, UTC.
func micros(t time.Time) int64 { return t.UnixMicro() }

func nullMicros(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	us := t.UnixMicro()
	return &us
}

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// unavailable marks a database failure as one the client should retry.
func unavailable(err error) error {
	return &waymark.Error{Kind: waymark.KindUnavailable, Message: "the event store cannot take writes right now", Err: err}
}
