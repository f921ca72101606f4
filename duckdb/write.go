package duckdb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/waymark-analytics/waymark"
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
		hashes[i] = messageHash(events[i].ProjectID, events[i].MessageID)
	}
	duplicate, err = s.findDuplicates(ctx, events, hashes)
	if err != nil {
		return nil, err
	}

	var added []int64
	defer func() {
		if err != nil {
			for _, h := range added {
				s.seen.remove(h)
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

	var written []*waymark.Event
	for i := range events {
		if duplicate[i] {
			continue
		}
		if err := s.appender.AppendRow(eventRow(&events[i], s.nextSeq+int64(len(written)), hashes[i])...); err != nil {
			return nil, fmt.Errorf("append event %s: %w", events[i].MessageID, err)
		}
		if !s.seen.has(hashes[i]) { // a colliding hash stays for the event that owns it
			s.seen.add(hashes[i])
			added = append(added, hashes[i])
		}
		written = append(written, &events[i])
	}
	if err := s.appender.Flush(); err != nil {
		return nil, err
	}
	for _, r := range rejections {
		if _, err := s.writer.ExecContext(ctx,
			query("InsertRejection"),
			r.ProjectID, nullString(r.MessageID), r.Reason, string(r.Payload), r.ReceivedAt.UTC()); err != nil {
			return nil, fmt.Errorf("store rejection: %w", err)
		}
	}
	if err := s.resolveIdentities(ctx, written); err != nil {
		return nil, err
	}
	if _, err := s.writer.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, err
	}
	committed = true
	s.nextSeq += int64(len(written))
	return duplicate, nil
}

// findDuplicates marks events already stored or repeated within events. Only
// hash hits are confirmed against the table, so the common case costs no
// query at all.
func (s *Store) findDuplicates(ctx context.Context, events []waymark.Event, hashes []int64) ([]bool, error) {
	duplicate := make([]bool, len(events))
	inBatch := make(map[int64][]int, len(events))
	var candidates []int
	for i, h := range hashes {
		if s.seen.has(h) {
			candidates = append(candidates, i)
		}
		for _, j := range inBatch[h] {
			if events[j].ProjectID == events[i].ProjectID && events[j].MessageID == events[i].MessageID {
				duplicate[i] = true
				break
			}
		}
		inBatch[h] = append(inBatch[h], i)
	}
	if len(candidates) == 0 {
		return duplicate, nil
	}
	candidateHashes := make([]int64, len(candidates))
	for k, i := range candidates {
		candidateHashes[k] = hashes[i]
	}
	rows, err := s.db.QueryContext(ctx, query("StoredMessages"), candidateHashes)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	stored := make(map[[2]string]bool)
	for rows.Next() {
		var key [2]string
		if err := rows.Scan(&key[0], &key[1]); err != nil {
			return nil, err
		}
		stored[key] = true
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	for _, i := range candidates {
		if stored[[2]string{events[i].ProjectID, events[i].MessageID}] {
			duplicate[i] = true
		}
	}
	return duplicate, nil
}

// rollback abandons the open transaction and clears the appender, whose
// buffered rows would otherwise leak into the next transaction.
func (s *Store) rollback() {
	s.appender.Clear()
	s.writer.ExecContext(context.Background(), "ROLLBACK")
}

func eventRow(e *waymark.Event, seq, hash int64) []driver.Value {
	var revenue, currency driver.Value
	if e.Revenue != nil {
		revenue = e.Revenue.Amount
		currency = nullString(e.Revenue.Currency)
	}
	return []driver.Value{
		seq,
		e.ProjectID,
		e.MessageID,
		hash,
		string(e.Type),
		nullString(e.Name),
		e.DistinctID(),
		nullString(e.UserID),
		nullString(e.AnonymousID),
		nullString(e.GroupID),
		nullString(e.PreviousID),
		e.Timestamp.UTC(),
		nullTime(e.OriginalTimestamp),
		nullTime(e.SentAt),
		e.ReceivedAt.UTC(),
		nullString(e.Page.URL),
		nullString(e.Page.Host),
		nullString(e.Page.Path),
		nullString(e.Page.Title),
		nullString(e.Page.Referrer),
		nullString(e.Page.ReferrerHost),
		nullString(e.Campaign.Source),
		nullString(e.Campaign.Medium),
		nullString(e.Campaign.Name),
		nullString(e.Campaign.Term),
		nullString(e.Campaign.Content),
		nullString(e.Campaign.ClickID),
		nullString(e.Campaign.Channel),
		nullString(e.Device.Browser),
		nullString(e.Device.BrowserVersion),
		nullString(e.Device.OS),
		nullString(e.Device.OSVersion),
		nullString(e.Device.Type),
		nullString(e.Geo.IP),
		nullString(e.Geo.Country),
		nullString(e.Geo.Region),
		nullString(e.Geo.City),
		revenue,
		currency,
		nullJSON(e.Properties),
		nullJSON(e.Traits),
		nullJSON(e.Context),
		nullJSON(e.Integrations),
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

func nullJSON(b []byte) driver.Value {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return string(b)
}

// unavailable marks a database failure as one the client should retry.
func unavailable(err error) error {
	return &waymark.Error{Kind: waymark.KindUnavailable, Message: "the event store cannot take writes right now", Err: err}
}
