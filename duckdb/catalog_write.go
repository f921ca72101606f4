package duckdb

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// catalogEvery is how often writes add what they counted to the catalog.
// Two upserts in every transaction cost a fifth of ingest; at most once a
// second they cost nothing measurable. Readers of the catalog flush first,
// so they never see it behind.
const catalogEvery = time.Second

// plus adds other's counts to d.
func (d *catalogDelta) plus(other *catalogDelta) {
	for _, ce := range other.order {
		o := other.events[ce]
		c := d.events[ce]
		if c == nil {
			c = &catalogEventCount{first: o.first, last: o.last}
			d.events[ce] = c
			d.order = append(d.order, ce)
		}
		c.events += o.events
		c.first, c.last = report.MinTime(c.first, o.first), report.MaxTime(c.last, o.last)
	}
	for _, k := range other.keyAt {
		if _, ok := d.keys[k]; !ok {
			d.keyAt = append(d.keyAt, k)
		}
		d.keys[k] += other.keys[k]
	}
}

// writeCatalog adds delta to the catalog, which then counts every event up
// to through, in the open transaction.
func (s *Store) writeCatalog(ctx context.Context, delta *catalogDelta, through int64) error {
	if err := delta.write(ctx, s.writer); err != nil {
		return fmt.Errorf("update the catalog: %w", err)
	}
	if _, err := s.writer.ExecContext(ctx, queries.Get("SetCatalogMark"), through); err != nil {
		return fmt.Errorf("update the catalog: %w", err)
	}
	return nil
}

// flushCatalog adds the counts of committed writes to the catalog in a
// transaction of its own. The caller holds writeMu.
func (s *Store) flushCatalog(ctx context.Context) error {
	if s.writer == nil || len(s.catalog.order) == 0 {
		return nil
	}
	if _, err := s.writer.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := s.writeCatalog(ctx, s.catalog, s.nextSeq-1); err != nil {
		s.rollback()
		return err
	}
	if _, err := s.writer.ExecContext(ctx, "COMMIT"); err != nil {
		s.rollback()
		return err
	}
	s.catalog, s.catalogAt = newCatalogDelta(), time.Now()
	return nil
}

// currentCatalog brings the catalog up to date for a reader.
func (s *Store) currentCatalog(ctx context.Context) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.flushCatalog(ctx)
}

// flushCatalogEverySecond adds what writes counted to the catalog when
// writes stop coming, until stop is closed.
func (s *Store) flushCatalogEverySecond(stop <-chan struct{}) {
	tick := time.NewTicker(catalogEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		s.writeMu.Lock()
		if time.Since(s.catalogAt) >= catalogEvery {
			if err := s.flushCatalog(context.Background()); err != nil {
				slog.Error("update the catalog", "err", err)
			}
		}
		s.writeMu.Unlock()
	}
}

// catchUpCatalog counts the events that the catalog lacks, those a crash
// left uncounted, and adds them to it.
func (s *Store) catchUpCatalog(ctx context.Context) error {
	var mark int64
	if err := s.db.QueryRowContext(ctx, queries.Get("CatalogMark")).Scan(&mark); err != nil {
		return fmt.Errorf("read the catalog's mark: %w", err)
	}
	last := s.nextSeq - 1
	if mark >= last {
		return nil
	}
	projects, err := s.Projects(ctx)
	if err != nil {
		return err
	}
	for _, p := range projects {
		err := s.EventsBetween(ctx, p.ID, mark, last, func(_ int64, e *waymark.Event) error {
			f := storage.Flatten(e)
			s.catalog.add(e, &f)
			return nil
		})
		if err != nil {
			return fmt.Errorf("count the events the catalog lacks: %w", err)
		}
	}
	return s.flushCatalog(ctx)
}
