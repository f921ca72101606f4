package duckdb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/columnar"
	"github.com/waymark-analytics/waymark/storage"
)

// Write stores events and dead letters in one transaction and answers only
// after it has committed. Events whose (project, messageId) is already stored,
// or repeated earlier in the same call, are skipped; duplicate[i] tells which.
func (s *Store) Write(ctx context.Context, events []waymark.Event, rejections []waymark.Rejection) (duplicate []bool, err error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.writer == nil {
		return nil, waymark.Errorf(waymark.KindInvalid, "the store is open read-only")
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

	var added []int64
	defer func() {
		if err != nil {
			for _, h := range added {
				s.seen.Remove(h)
			}
			// Nothing of this write is stored: the client should retry.
			if waymark.ErrorKind(err) == waymark.KindInternal {
				err = unavailable(err)
			}
		}
	}()

	if _, err := s.writer.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			s.rollback()
		}
	}()

	var written []columnar.Committed
	catalog := newCatalogDelta()
	for i := range events {
		if duplicate[i] {
			continue
		}
		f := storage.Flatten(&events[i])
		if err := s.appender.AppendRow(eventRow(&events[i], &f, s.nextSeq+int64(len(written)), hashes[i])...); err != nil {
			return nil, fmt.Errorf("append event %s: %w", events[i].MessageID, err)
		}
		catalog.add(&events[i], &f)
		if !s.seen.Has(hashes[i]) { // a colliding hash stays for the event that owns it
			s.seen.Add(hashes[i])
			added = append(added, hashes[i])
		}
		written = append(written, columnar.Committed{Seq: s.nextSeq + int64(len(written)), Event: &events[i],
			PropertiesNames: f.PropertiesNames, PropertiesTexts: f.PropertiesTexts, TraitsNames: f.TraitsNames, TraitsTexts: f.TraitsTexts})
	}
	if err := s.appender.Flush(); err != nil {
		return nil, err
	}
	for _, r := range rejections {
		if _, err := s.writer.ExecContext(ctx,
			queries.Get("InsertRejection"),
			r.ProjectID, nullString(r.MessageID), r.Reason, string(r.Payload), r.ReceivedAt.UTC()); err != nil {
			return nil, fmt.Errorf("store rejection: %w", err)
		}
	}
	stored := make([]*waymark.Event, len(written))
	for i := range written {
		stored[i] = written[i].Event
	}
	assigned, err := s.resolveIdentities(ctx, stored)
	if err != nil {
		return nil, err
	}
	flush := time.Since(s.catalogAt) >= catalogEvery
	if flush {
		catalog.plus(s.catalog)
		if err := s.writeCatalog(ctx, catalog, s.nextSeq+int64(len(written))-1); err != nil {
			return nil, err
		}
	}
	if _, err := s.writer.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, err
	}
	committed = true
	if flush {
		s.catalog, s.catalogAt = newCatalogDelta(), time.Now()
	} else {
		s.catalog.plus(catalog)
	}
	s.commitToIndex(ctx, written, assigned)
	s.nextSeq += int64(len(written))
	return duplicate, nil
}

// rollback abandons the open transaction and clears the appender, whose
// buffered rows would otherwise leak into the next transaction.
func (s *Store) rollback() {
	s.appender.Clear()
	s.writer.ExecContext(context.Background(), "ROLLBACK")
}

// eventRow is the appender's row of e, whose flat form is f: the columns
// in the order of the table.
func eventRow(e *waymark.Event, f *storage.Flat, seq, hash int64) []driver.Value {
	var revenue driver.Value
	if f.Revenue != nil {
		revenue = *f.Revenue
	}
	return []driver.Value{
		seq, e.ProjectID, f.MessageID, hash, f.Type, nullString(f.Name), e.DistinctID(),
		nullString(f.UserID), nullString(f.AnonymousID), nullString(f.GroupID), nullString(f.PreviousID),
		f.Timestamp, nullTime(f.OriginalTimestamp), nullTime(f.SentAt), f.ReceivedAt,
		nullString(f.URL), nullString(f.Host), nullString(f.Path), nullString(f.Title), nullString(f.Referrer), nullString(f.ReferrerHost),
		nullString(f.Source), nullString(f.Medium), nullString(f.Campaign), nullString(f.Term), nullString(f.Content), nullString(f.ClickID), nullString(f.Channel),
		nullString(f.Browser), nullString(f.BrowserVersion), nullString(f.OS), nullString(f.OSVersion), nullString(f.DeviceType),
		nullString(f.IP), nullString(f.Country), nullString(f.Region), nullString(f.City),
		revenue, nullString(f.Currency),
		nullString(f.Properties), nullString(f.Traits), nullString(f.Context), nullString(f.Integrations),
		f.PropertiesNames, f.PropertiesTexts, f.TraitsNames, f.TraitsTexts,
	}
}

func nullString(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// unavailable marks a database failure as one the client should retry.
func unavailable(err error) error {
	return &waymark.Error{Kind: waymark.KindUnavailable, Message: "the event store cannot take writes right now", Err: err}
}
