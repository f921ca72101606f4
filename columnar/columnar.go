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
// until a background merge writes them, with the generation they extend, into
// the next generation. Identity merges stay retroactive: a distinct id whose
// person changed since its generation was built has its rows routed to the
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

// Origin is what an index is rebuilt from: the store it indexes.
type Origin interface {
	// LastSeq returns the highest seq stored, of any project; -1 for none.
	MaxSeq(ctx context.Context) (int64, error)
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
	origin     Origin
	readOnly   bool
	// Persons are scanned in chunks, by several workers when there are
	// enough of them; tests make the chunks small.
	chunkPersons, parallelPersons int

	mu       sync.Mutex
	projects map[string]*project
	merges   sync.WaitGroup // merges, the idle merger and retirements
	closed   bool
	stop     chan struct{} // ends the idle merger
}

// project is one project's generation, memtable and identity changes.
type project struct {
	id      string
	dir     string
	base    *generation
	mem     *memtable
	moved   map[string]string // distinct ids whose person differs from base's
	gen     int               // the generation of base
	through int64             // base and mem hold every event of the project up to this seq
	merging bool
	touched time.Time // the last commit
	// After a failed merge, the next waits until retryAt, twice as long
	// after each failure.
	retryAt time.Time
	backoff time.Duration
	// rt routes the memtable's first rtRows rows with moved as it was at
	// version rtMoved; moved's version counts its changes.
	rt      *routing
	rtRows  int
	rtMoved int
	version int
}

// Options tune an index.
type Options struct {
	// MergeRows is how many memtable rows start a merge; 0 means an eighth
	// of the generation's rows, between minMergeRows and maxMergeRows.
	MergeRows int
	// ReadOnly keeps everything the generations lack in memory and writes no
	// files, for a store opened read-only beside others.
	ReadOnly bool
}

// The memtable size that starts a merge grows with the generation, an
// eighth of it, so that a growing project is rewritten a logarithmic number
// of times; but the memtable is in memory (a few hundred bytes a row), so it
// stays below maxMergeRows. Below minMergeRows merges are not worth their
// CPU: 250,000 instead of 100,000 made ingest into a new store about a
// tenth faster (waymark bench ingest). Past eight times that, every merge rewrites a
// larger generation for the same number of new events: levels of smaller
// generations would bound that (docs/design/read-path.md).
const (
	minMergeRows = 250_000
	maxMergeRows = 500_000
)

// replayChunk is how much of storage order a rebuild reads at a time.
const replayChunk = 250_000

// idleMerge is how long a project goes without commits before its memtable
// is merged, when it holds at least a hundredth of the generation's rows:
// reports read merged rows fastest, but a merge rewrites the generation.
const idleMerge = 5 * time.Second

// maxBackoff bounds the wait after failed merges.
const maxBackoff = 5 * time.Minute

// Open opens the index in dir, rebuilding from origin what is missing: every
// event origin has beyond each project's generation.
func Open(ctx context.Context, dir string, origin Origin, projects []string, opts Options) (*Index, error) {
	if !opts.ReadOnly {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	x := &Index{dir: dir, mergeEvery: opts.MergeRows, origin: origin, readOnly: opts.ReadOnly,
		chunkPersons: 8192, parallelPersons: 4 * 8192, projects: map[string]*project{}}
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
			if time.Since(p.touched) >= idleMerge && p.mem.rows() >= max(1, p.base.meta.Rows/100) {
				x.startMerge(p)
			}
		}
		x.mu.Unlock()
	}
}

// startMerge merges the project's memtable in the background, unless a
// merge runs or failed a moment ago; the caller holds the index lock.
func (x *Index) startMerge(p *project) {
	if x.closed || x.readOnly || p.merging || time.Now().Before(p.retryAt) {
		return
	}
	p.merging = true
	x.merges.Go(func() { x.mergeInBackground(p) })
}

// load opens a project's generation and replays into its memtable what the
// generation lacks. The caller holds the index lock: every other commit and
// report waits for the replay, which after a clean stop reads nothing.
func (x *Index) load(ctx context.Context, id string) (*project, error) {
	p := &project{id: id, dir: filepath.Join(x.dir, "p-"+hex.EncodeToString([]byte(id))), moved: map[string]string{}}
	if !x.readOnly {
		if err := os.MkdirAll(p.dir, 0o700); err != nil {
			return nil, err
		}
	}
	p.base, p.gen = x.openCurrent(p)
	if !x.readOnly {
		removeOtherGenerations(p.dir, p.gen)
	}
	p.mem = newMemtable(p.base)
	p.through = p.base.meta.MaxSeq
	err := x.origin.MergedIdentities(ctx, id, func(did, person string) error {
		p.assign(did, person)
		return nil
	})
	if err != nil {
		p.base.close()
		return nil, fmt.Errorf("index identities of %s: %w", id, err)
	}
	last, err := x.origin.MaxSeq(ctx)
	if err != nil {
		p.base.close()
		return nil, fmt.Errorf("index events of %s: %w", id, err)
	}
	if p.base.meta.MaxSeq > last {
		// The store holds less than the index: it was restored or replaced,
		// and the index is of another past.
		slog.Warn("rebuilding the report index: the store is behind it", "project", id)
		p.base.close()
		p.base, p.through, p.moved = emptyGeneration(id), -1, map[string]string{}
		p.mem = newMemtable(p.base)
		err := x.origin.MergedIdentities(ctx, id, func(did, person string) error {
			p.assign(did, person)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("index identities of %s: %w", id, err)
		}
	}
	// The events the generation lacks come in chunks of storage order, so that
	// a merge between two chunks has every event up to its last seq.
	for p.through < last {
		through := min(last, p.through+replayChunk)
		err := x.origin.EventsBetween(ctx, id, p.through, through, func(seq int64, e *waymark.Event) error {
			p.mem.add(p.base, committed(seq, e))
			return nil
		})
		if err != nil {
			p.base.close()
			return nil, fmt.Errorf("index events of %s: %w", id, err)
		}
		p.through = through
		if !x.readOnly && p.mem.rows() >= x.mergeRows(p) {
			if err := x.mergeNow(p); err != nil {
				p.base.close()
				return nil, err
			}
		}
	}
	x.projects[id] = p
	return p, nil
}

// openCurrent opens the generation the project's current file names, or an
// empty one when there is none or it cannot be read (it is rebuilt).
func (x *Index) openCurrent(p *project) (*generation, int) {
	b, err := os.ReadFile(filepath.Join(p.dir, "current"))
	if err != nil {
		return emptyGeneration(p.id), 0
	}
	gen, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return emptyGeneration(p.id), 0
	}
	base, err := openGeneration(filepath.Join(p.dir, generationDir(gen)))
	if err != nil || base.meta.Project != p.id {
		slog.Warn("rebuilding the report index", "project", p.id, "err", err)
		return emptyGeneration(p.id), gen
	}
	return base, gen
}

func generationDir(gen int) string { return fmt.Sprintf("g%09d", gen) }

// removeOtherGenerations removes what crashes and retired generations left
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
	return min(maxMergeRows, max(minMergeRows, p.base.meta.Rows/8))
}

// assign records that a distinct id resolves to person now.
func (p *project) assign(did, person string) {
	p.version++
	if c, ok := p.base.distinctCode(did); ok && did != "" && p.base.persons[p.base.didPerson[c]] == person {
		delete(p.moved, did)
		return
	}
	if _, inGeneration := p.base.distinctCode(did); !inGeneration && did == person {
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
	p, err := x.project(ctx, projectID)
	if err != nil {
		return err
	}
	for i := range events {
		if c := &events[i]; c.Seq > p.through { // load may have read this commit already
			p.mem.add(p.base, c)
			p.through = c.Seq
		}
	}
	for did, person := range assigned {
		p.assign(did, person)
	}
	p.touched = time.Now()
	if p.mem.rows() >= x.mergeRows(p) {
		x.startMerge(p)
	}
	return nil
}

// project returns a project, loaded first if need be; the caller holds the
// index lock.
func (x *Index) project(ctx context.Context, id string) (*project, error) {
	if x.closed {
		return nil, waymark.Errorf(waymark.KindUnavailable, "the report index is closed")
	}
	if p, ok := x.projects[id]; ok {
		return p, nil
	}
	return x.load(ctx, id)
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

// Workers implements report.Partitioned.
func (x *Index) Workers() int { return Workers() }

// Workers is how many workers reports on an index scan with: one a core.
func Workers() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

// HitsPartitioned implements report.Partitioned.
func (x *Index) HitsPartitioned(ctx context.Context, q report.Query, fn func(worker int, p *report.Person) error) error {
	if err := q.Validate(); err != nil {
		return err
	}
	v, err := x.view(ctx, q.ProjectID)
	if err != nil {
		return err
	}
	defer v.base.readers.RUnlock()
	err = v.hits(ctx, q, x.Workers(), x.chunkPersons, x.parallelPersons, fn)
	if errors.Is(err, errCorrupt) {
		x.mu.Lock()
		x.rebuild(q.ProjectID, v.base)
		x.mu.Unlock()
	}
	return err
}

// rebuild drops a project whose generation is damaged: the next report or
// commit loads it again, and with no current generation it is rebuilt from
// the store. The caller holds the index lock.
func (x *Index) rebuild(id string, damaged *generation) {
	p, ok := x.projects[id]
	if !ok || p.base != damaged || p.merging {
		return
	}
	slog.Error("the report index of a project is damaged; rebuilding it from the store", "project", id)
	if !x.readOnly {
		os.Remove(filepath.Join(p.dir, "current"))
	}
	delete(x.projects, id)
	x.retire(p.base)
}

// view takes a consistent snapshot of a project for one report. Routing
// the memtable's rows takes time, so it runs outside the index lock, on the
// snapshot, and is kept for the next report while nothing changes.
func (x *Index) view(ctx context.Context, projectID string) (*view, error) {
	x.mu.Lock()
	p, err := x.project(ctx, projectID)
	if err != nil {
		x.mu.Unlock()
		return nil, err
	}
	base, mem := p.base, p.mem.snapshot()
	base.readers.RLock()
	if p.rt != nil && p.rtRows == mem.rows() && p.rtMoved == p.version {
		rt := p.rt
		x.mu.Unlock()
		return &view{base: base, mem: mem, rt: rt}, nil
	}
	memPerson, moved, version := p.mem.basePerson[:mem.dids.len()], p.movedPersons(), p.version
	x.mu.Unlock()
	rt := route(base, mem, memPerson, moved)
	x.mu.Lock()
	if p.base == base && p.version == version && mem.rows() >= p.rtRows {
		p.rt, p.rtRows, p.rtMoved = &rt, mem.rows(), version
	}
	x.mu.Unlock()
	return &view{base: base, mem: mem, rt: &rt}, nil
}

// movedPersons copies moved, for a reader or a merge to keep.
func (p *project) movedPersons() map[string]string { return maps.Clone(p.moved) }

// mergeInBackground merges the project's memtable into its next generation
// while writes and reports go on.
func (x *Index) mergeInBackground(p *project) {
	x.mu.Lock()
	snap := p.snapshotForMerge()
	x.mu.Unlock()
	base, err := snap.build()
	x.mu.Lock()
	defer x.mu.Unlock()
	p.merging = false
	if err != nil {
		p.backoff = min(max(2*p.backoff, time.Second), maxBackoff)
		p.retryAt = time.Now().Add(p.backoff)
		slog.Error("report index merge failed; reports read the memtable until a merge succeeds", "project", p.id, "retry in", p.backoff, "err", err)
		return
	}
	p.backoff = 0
	x.moveTo(p, base, snap)
}

// mergeNow merges the project's memtable into its next generation at once;
// the caller holds the index lock.
func (x *Index) mergeNow(p *project) error {
	snap := p.snapshotForMerge()
	base, err := snap.build()
	if err != nil {
		return err
	}
	x.moveTo(p, base, snap)
	return nil
}

// mergeSnapshot is what a merge writes: the generation and the memtable as
// they were when it started.
type mergeSnapshot struct {
	p         *project
	base      *generation
	mem       *part
	memPerson []int32
	moved     map[string]string
	gen       int
	through   int64
}

func (p *project) snapshotForMerge() *mergeSnapshot {
	mem := p.mem.snapshot()
	return &mergeSnapshot{p: p, base: p.base, mem: mem, memPerson: p.mem.basePerson[:mem.dids.len()], moved: p.movedPersons(), gen: p.gen + 1, through: p.through}
}

// build writes and opens the next generation. The generation it extends stays
// open: only moveTo retires it.
func (m *mergeSnapshot) build() (*generation, error) {
	dir := filepath.Join(m.p.dir, generationDir(m.gen))
	os.RemoveAll(dir)
	if err := merge(dir, m.base, m.mem, m.memPerson, m.moved, m.through); err != nil {
		return nil, err
	}
	base, err := openGeneration(dir)
	if err != nil {
		return nil, err
	}
	if err := syncDir(dir); err != nil {
		base.close()
		return nil, err
	}
	if err := writeCurrent(m.p.dir, m.gen); err != nil {
		base.close()
		return nil, err
	}
	return base, nil
}

// moveTo makes base, built from snap, the project's generation: the memtable
// keeps the rows that came after the snapshot, and moved the distinct ids
// whose person still differs from the new generation's. The caller holds
// the index lock.
func (x *Index) moveTo(p *project, base *generation, snap *mergeSnapshot) {
	old, oldMem := p.base, p.mem.snapshot()
	p.base, p.gen, p.mem, p.rt = base, snap.gen, newMemtable(base), nil
	for r := snap.mem.rows(); r < oldMem.rows(); r++ {
		p.mem.addRow(base, oldMem, r)
	}
	kept := p.moved
	p.moved = map[string]string{}
	for did, person := range kept {
		p.assign(did, person)
	}
	x.retire(old)
}

// retire closes a generation that a newer one replaced, once its readers
// are done, and removes its files; Close waits for it.
func (x *Index) retire(g *generation) { x.release(g, true) }

// release closes a generation once its readers are done, and removes its
// files when asked.
func (x *Index) release(g *generation, remove bool) {
	x.merges.Go(func() {
		g.readers.Lock()
		g.close()
		if remove && g.dir != "" {
			os.RemoveAll(g.dir)
		}
	})
}

// writeCurrent points the project at generation gen, atomically and
// durably.
func writeCurrent(dir string, gen int) error {
	tmp := filepath.Join(dir, "current.tmp")
	f, err := createFile(tmp)
	if err != nil {
		os.Remove(tmp)
		if f, err = createFile(tmp); err != nil {
			return err
		}
	}
	f.write([]byte(strconv.Itoa(gen) + "\n"))
	if err := f.close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, "current")); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a directory's entries durable: the files of a new
// generation, or the rename of current.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Close waits for running merges, merges what is left in memtables, so that
// the next start finds the index whole, and closes every generation.
func (x *Index) Close() error {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return nil
	}
	x.closed = true
	if x.stop != nil {
		close(x.stop)
	}
	x.mu.Unlock()
	x.merges.Wait()
	x.mu.Lock()
	var errs []error
	for _, p := range x.projects {
		if !x.readOnly && p.mem.rows() >= max(1, p.base.meta.Rows/100) {
			errs = append(errs, x.mergeNow(p))
		}
		x.release(p.base, false)
	}
	x.projects = nil
	x.mu.Unlock()
	x.merges.Wait()
	return errors.Join(errs...)
}
