// Package columnar is Waymark's read path for reports on the embedded
// engine: each project's events as columns sorted by person, then time,
// with low-cardinality values as dictionary codes, in files under the data
// directory. Reports read only the few narrow columns they need, person by
// person, instead of streaming every matching row through SQL.
//
// It is derived data: the store stays the source of truth, and the index is
// rebuilt from it whenever its files are missing, damaged or of another
// format. Events reach it when the store commits them (Commit), so a report
// sees an acknowledged event at once; they wait in an in-memory memtable
// until a background merge writes them, with the segment they extend, into
// the next segment. Identity merges stay retroactive: a distinct id whose
// person changed since its segment was built has its rows routed to the
// person it resolves to now (see route). docs/design/read-path.md gives the
// design and its measurements.
package columnar

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// Source is what an index is rebuilt from: the store it indexes.
type Source interface {
	// LastSeq returns the highest seq stored, of any project; -1 for none.
	LastSeq(ctx context.Context) (int64, error)
	// EventsBetween calls fn with the project's stored events whose seq is
	// above after and at most through, in any order.
	EventsBetween(ctx context.Context, projectID string, after, through int64, fn func(seq int64, e *waymark.Event) error) error
	// MergedIdentities calls fn with every distinct id of the project that
	// resolves to a person other than itself, and that person.
	MergedIdentities(ctx context.Context, projectID string, fn func(distinctID, personID string) error) error
}

// Index is the read path of every project of a store.
type Index struct {
	dir        string
	mergeEvery int
	src        Source
	readOnly   bool
	logger     *slog.Logger

	mu       sync.Mutex
	projects map[string]*project
	merges   sync.WaitGroup
	closed   bool
	stop     chan struct{} // ends the idle merger
}

// project is one project's segment, memtable and identity changes.
type project struct {
	id      string
	dir     string
	seg     *segment
	mem     *memtable
	moved   map[string]string // distinct ids whose person differs from seg's
	gen     int               // the generation of seg
	through int64             // seg and mem hold every event of the project up to this seq
	merging bool
	touched time.Time // the last commit
	rt      *routing  // of seg, the whole memtable and moved; nil when stale
	rtRows  int       // the memtable rows rt routes
}

// Options tune an index.
type Options struct {
	// MergeRows is how many memtable rows start a merge; 0 means an eighth
	// of the segment's rows, between MinMergeRows and MaxMergeRows.
	MergeRows int
	// ReadOnly keeps everything the segments lack in memory and writes no
	// files, for a store opened read-only beside others.
	ReadOnly bool
	Logger   *slog.Logger
}

// The memtable size that starts a merge grows with the segment, so that a
// growing project is rewritten a logarithmic number of times, but stays
// bounded, as the memtable is in memory (a few hundred bytes a row).
const (
	MinMergeRows = 100_000
	MaxMergeRows = 500_000
)

// replayChunk is how much of storage order a rebuild reads at a time.
const replayChunk = 250_000

// idleMerge is how long a project goes without commits before its memtable
// is merged however small: reports read merged rows fastest.
const idleMerge = 5 * time.Second

// Open opens the index in dir, rebuilding from src what is missing: every
// event src has beyond each project's segment.
func Open(ctx context.Context, dir string, src Source, projects []string, opts Options) (*Index, error) {
	if !opts.ReadOnly {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	x := &Index{dir: dir, mergeEvery: opts.MergeRows, src: src, readOnly: opts.ReadOnly, logger: opts.Logger, projects: map[string]*project{}}
	if x.logger == nil {
		x.logger = slog.Default()
	}
	for _, id := range projects {
		if _, err := x.load(ctx, id); err != nil {
			x.Close()
			return nil, err
		}
	}
	if !x.readOnly {
		x.stop = make(chan struct{})
		x.merges.Go(x.mergeIdle)
	}
	return x, nil
}

// mergeIdle merges the memtables of projects that have had no commits for
// a while.
func (x *Index) mergeIdle() {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-x.stop:
			return
		case <-tick.C:
		}
		x.mu.Lock()
		for _, p := range x.projects {
			if !x.closed && !p.merging && p.mem.rows() > 0 && time.Since(p.touched) >= idleMerge {
				x.startMerge(p)
			}
		}
		x.mu.Unlock()
	}
}

// startMerge merges the project's memtable in the background; the caller
// holds the index lock.
func (x *Index) startMerge(p *project) {
	p.merging = true
	x.merges.Go(func() { x.mergeInBackground(p) })
}

// load opens a project's segment and replays into its memtable what the
// segment lacks. The caller holds no lock; writes to the project wait for
// the index, which Open and Commit hold.
func (x *Index) load(ctx context.Context, id string) (*project, error) {
	p := &project{id: id, dir: filepath.Join(x.dir, "p-"+hex.EncodeToString([]byte(id))), moved: map[string]string{}}
	if !x.readOnly {
		if err := os.MkdirAll(p.dir, 0o700); err != nil {
			return nil, err
		}
	}
	p.seg, p.gen = x.openCurrent(p)
	if !x.readOnly {
		removeOtherGenerations(p.dir, p.gen)
	}
	p.mem = newMemtable(p.seg)
	p.through = p.seg.meta.MaxSeq
	err := x.src.MergedIdentities(ctx, id, func(did, person string) error {
		p.assign(did, person)
		return nil
	})
	if err != nil {
		p.seg.close()
		return nil, fmt.Errorf("index identities of %s: %w", id, err)
	}
	last, err := x.src.LastSeq(ctx)
	if err != nil {
		p.seg.close()
		return nil, fmt.Errorf("index events of %s: %w", id, err)
	}
	// The events the segment lacks come in chunks of storage order, so that
	// a merge between two chunks has every event up to its last seq.
	for p.through < last {
		through := min(last, p.through+replayChunk)
		err := x.src.EventsBetween(ctx, id, p.through, through, func(seq int64, e *waymark.Event) error {
			p.mem.add(p.seg, committed(seq, e))
			return nil
		})
		if err != nil {
			p.seg.close()
			return nil, fmt.Errorf("index events of %s: %w", id, err)
		}
		p.through = through
		if !x.readOnly && p.mem.rows() >= x.mergeRows(p) {
			if err := x.mergeNow(p); err != nil {
				p.seg.close()
				return nil, err
			}
		}
	}
	x.projects[id] = p
	return p, nil
}

// openCurrent opens the segment the project's current file names, or an
// empty one when there is none or it cannot be read (it is rebuilt).
func (x *Index) openCurrent(p *project) (*segment, int) {
	b, err := os.ReadFile(filepath.Join(p.dir, "current"))
	if err != nil {
		return emptySegment(p.id), 0
	}
	gen, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return emptySegment(p.id), 0
	}
	seg, err := openSegment(filepath.Join(p.dir, generationDir(gen)))
	if err != nil || seg.meta.Project != p.id {
		x.logger.Warn("rebuilding the report index", "project", p.id, "err", err)
		return emptySegment(p.id), gen
	}
	return seg, gen
}

func generationDir(gen int) string { return fmt.Sprintf("g%09d", gen) }

// removeOtherGenerations removes what crashes and retired segments left
// behind: every generation but the current one.
func removeOtherGenerations(dir string, current int) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "g") && e.IsDir() && e.Name() != generationDir(current) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// mergeRows is how many memtable rows start a merge of the project.
func (x *Index) mergeRows(p *project) int {
	if x.mergeEvery > 0 {
		return x.mergeEvery
	}
	return min(MaxMergeRows, max(MinMergeRows, p.seg.meta.Rows/8))
}

// assign records that a distinct id resolves to person now.
func (p *project) assign(did, person string) {
	p.rt = nil
	if c, ok := p.seg.distinctCode(did); ok && did != "" && p.seg.persons[p.seg.didPerson[c]] == person {
		delete(p.moved, did)
		return
	}
	if _, inSegment := p.seg.distinctCode(did); !inSegment && did == person {
		delete(p.moved, did)
		return
	}
	p.moved[did] = person
}

// Committed is an event the store has committed, with its seq, and the
// top-level members of its properties and traits as report.Members reads
// them, which the store computed to store them.
type Committed struct {
	Seq                                                        int64
	Event                                                      *waymark.Event
	PropertiesNames, PropertiesTexts, TraitsNames, TraitsTexts []string
}

// committed makes the Committed of an event read back from the store.
func committed(seq int64, e *waymark.Event) *Committed {
	c := &Committed{Seq: seq, Event: e}
	c.PropertiesNames, c.PropertiesTexts = report.Members(e.Properties)
	c.TraitsNames, c.TraitsTexts = report.Members(e.Traits)
	return c
}

// Commit adds events the store has just committed, in storage order, and
// the identity changes the same commit made: distinct id to the person it
// resolves to now.
func (x *Index) Commit(ctx context.Context, projectID string, events []Committed, assigned map[string]string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	p, ok := x.projects[projectID]
	if !ok {
		var err error
		if p, err = x.load(ctx, projectID); err != nil {
			return err
		}
	}
	for i := range events {
		if c := &events[i]; c.Seq > p.through { // load may have read this commit already
			p.mem.add(p.seg, c)
			p.through = c.Seq
		}
	}
	for did, person := range assigned {
		p.assign(did, person)
	}
	if len(events) > 0 {
		p.rt = nil
	}
	p.touched = time.Now()
	if !p.merging && !x.closed && !x.readOnly && p.mem.rows() >= x.mergeRows(p) {
		x.startMerge(p)
	}
	return nil
}

var _ report.Partitioned = (*Index)(nil)

// Hits implements report.Source.
func (x *Index) Hits(ctx context.Context, q report.Query, fn func(p *report.Person) error) error {
	var mu sync.Mutex // fn takes one person at a time
	return x.HitsPartitioned(ctx, q, func(_ int, p *report.Person) error {
		mu.Lock()
		defer mu.Unlock()
		return fn(p)
	})
}

// Workers implements report.Partitioned: one a core.
func (x *Index) Workers() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

// HitsPartitioned implements report.Partitioned.
func (x *Index) HitsPartitioned(ctx context.Context, q report.Query, fn func(worker int, p *report.Person) error) error {
	if err := q.Validate(); err != nil {
		return err
	}
	v, err := x.view(ctx, q.ProjectID)
	if err != nil {
		return err
	}
	defer v.seg.readers.RUnlock()
	return v.hits(ctx, q, x.Workers(), fn)
}

// view takes a consistent snapshot of a project for one report.
func (x *Index) view(ctx context.Context, projectID string) (*view, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	p, ok := x.projects[projectID]
	if !ok {
		var err error
		if p, err = x.load(ctx, projectID); err != nil {
			return nil, err
		}
	}
	mem := p.mem.snapshot()
	if p.rt == nil || p.rtRows != mem.rows() {
		rt := route(p.seg, mem, p.mem.segPerson, p.movedPersons())
		p.rt, p.rtRows = &rt, mem.rows()
	}
	p.seg.readers.RLock()
	return &view{seg: p.seg, mem: mem, rt: p.rt}, nil
}

// movedPersons copies moved, for a reader or a merge to keep.
func (p *project) movedPersons() map[string]string { return maps.Clone(p.moved) }

// mergeInBackground merges the project's memtable into its next segment
// while writes and reports go on.
func (x *Index) mergeInBackground(p *project) {
	x.mu.Lock()
	snap := p.snapshotForMerge()
	x.mu.Unlock()
	seg, err := snap.build()
	x.mu.Lock()
	defer x.mu.Unlock()
	p.merging = false
	if err != nil {
		x.logger.Error("report index merge failed; reports read the memtable until the next merge", "project", p.id, "err", err)
		return
	}
	p.moveTo(seg, snap)
}

// mergeNow merges the project's memtable into its next segment at once;
// the caller holds the index lock.
func (x *Index) mergeNow(p *project) error {
	snap := p.snapshotForMerge()
	seg, err := snap.build()
	if err != nil {
		return err
	}
	p.moveTo(seg, snap)
	return nil
}

// mergeSnapshot is what a merge writes: the segment and the memtable as
// they were when it started.
type mergeSnapshot struct {
	p         *project
	seg       *segment
	mem       *part
	memPerson []int32
	moved     map[string]string
	gen       int
	through   int64
}

func (p *project) snapshotForMerge() *mergeSnapshot {
	mem := p.mem.snapshot()
	return &mergeSnapshot{p: p, seg: p.seg, mem: mem, memPerson: p.mem.segPerson[:mem.dids.len()], moved: p.movedPersons(), gen: p.gen + 1, through: p.through}
}

// build writes and opens the next segment. The segment it extends stays
// open: only moveTo retires it.
func (m *mergeSnapshot) build() (*segment, error) {
	dir := filepath.Join(m.p.dir, generationDir(m.gen))
	os.RemoveAll(dir)
	if err := merge(dir, m.seg, m.mem, m.memPerson, m.moved, m.through); err != nil {
		return nil, err
	}
	seg, err := openSegment(dir)
	if err != nil {
		return nil, err
	}
	if err := writeCurrent(m.p.dir, m.gen); err != nil {
		seg.close()
		return nil, err
	}
	return seg, nil
}

// moveTo makes seg, built from snap, the project's segment: the memtable
// keeps the rows that came after the snapshot, and moved the distinct ids
// whose person still differs from the new segment's.
func (p *project) moveTo(seg *segment, snap *mergeSnapshot) {
	old, oldMem := p.seg, p.mem.snapshot()
	p.seg, p.gen, p.mem, p.rt = seg, snap.gen, newMemtable(seg), nil
	for r := snap.mem.rows(); r < oldMem.rows(); r++ {
		p.mem.addRow(seg, oldMem, r)
	}
	kept := p.moved
	p.moved = map[string]string{}
	for did, person := range kept {
		p.assign(did, person)
	}
	old.retire()
}

// writeCurrent points the project at generation gen, atomically.
func writeCurrent(dir string, gen int) error {
	tmp := filepath.Join(dir, "current.tmp")
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(gen)+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "current"))
}

// Close waits for running merges, merges what is left in memtables, so that
// the next start finds the index whole, and closes every segment.
func (x *Index) Close() error {
	x.mu.Lock()
	x.closed = true
	if x.stop != nil {
		close(x.stop)
	}
	x.mu.Unlock()
	x.merges.Wait()
	x.mu.Lock()
	defer x.mu.Unlock()
	var errs []error
	for _, p := range x.projects {
		if !x.readOnly && p.mem.rows() > 0 {
			errs = append(errs, x.mergeNow(p))
		}
		p.seg.readers.Lock()
		p.seg.close()
	}
	x.projects = nil
	return errors.Join(errs...)
}
