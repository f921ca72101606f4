package ingest

import (
	"context"
	"sync"

	"github.com/waymark-analytics/waymark"
)

// Store is what the writer needs from a storage engine: one durable write of
// events and dead letters that reports which events were duplicates.
type Store interface {
	Write(ctx context.Context, events []waymark.Event, rejections []waymark.Rejection) (duplicate []bool, err error)
}

// Writer groups concurrent writes into shared commits: while one commit is
// running, new requests queue up and then go to the store together, so many
// small requests cost one transaction. Each caller is answered only after the
// commit holding its events has returned.
type Writer struct {
	store     Store
	maxEvents int
	requests  chan *writeRequest

	mu      sync.RWMutex // guards closed against sends on requests
	closed  bool
	stopped chan struct{}
}

type writeRequest struct {
	events     []waymark.Event
	rejections []waymark.Rejection
	done       chan writeResult
}

type writeResult struct {
	duplicate []bool
	err       error
}

// NewWriter starts a writer that commits at most maxEvents events at a time
// (a single larger request is still written whole). Close stops it.
func NewWriter(store Store, maxEvents int) *Writer {
	w := &Writer{
		store:     store,
		maxEvents: maxEvents,
		requests:  make(chan *writeRequest, 1024),
		stopped:   make(chan struct{}),
	}
	go w.run()
	return w
}

// Write stores events and rejections durably and reports which events were
// already stored. A context that ends first leaves the outcome unknown, as with
// any network write; the caller's client will retry and duplicates count once.
func (w *Writer) Write(ctx context.Context, events []waymark.Event, rejections []waymark.Rejection) ([]bool, error) {
	if len(events) == 0 && len(rejections) == 0 {
		return nil, nil
	}
	req := &writeRequest{events: events, rejections: rejections, done: make(chan writeResult, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return nil, waymark.Errorf(waymark.KindUnavailable, "the server is shutting down")
	}
	select {
	case w.requests <- req:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return nil, ctx.Err()
	}
	select {
	case r := <-req.done:
		return r.duplicate, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close finishes the queued writes and stops the writer.
func (w *Writer) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.requests)
	}
	w.mu.Unlock()
	<-w.stopped
}

func (w *Writer) run() {
	defer close(w.stopped)
	var group []*writeRequest
	var events []waymark.Event
	var rejections []waymark.Rejection
	for first := range w.requests {
		group = append(group[:0], first)
		n := len(first.events)
	gather:
		for n < w.maxEvents {
			select {
			case req, ok := <-w.requests:
				if !ok {
					break gather
				}
				group = append(group, req)
				n += len(req.events)
			default:
				break gather
			}
		}
		if len(group) == 1 {
			w.commitAlone(first)
			continue
		}
		events, rejections = events[:0], rejections[:0]
		for _, req := range group {
			events = append(events, req.events...)
			rejections = append(rejections, req.rejections...)
		}
		w.commitGroup(group, events, rejections)
		// Drop references to request payloads between commits.
		clear(events)
		clear(rejections)
		clear(group)
	}
}

// commitGroup writes the requests of group in one commit. If that fails, each
// is written on its own, so one request the store refuses cannot fail the
// others that happened to share its commit.
func (w *Writer) commitGroup(group []*writeRequest, events []waymark.Event, rejections []waymark.Rejection) {
	// One client giving up must not abort a commit that others share.
	duplicate, err := w.store.Write(context.Background(), events, rejections)
	if err != nil {
		for _, req := range group {
			w.commitAlone(req)
		}
		return
	}
	offset := 0
	for _, req := range group {
		req.done <- writeResult{duplicate: duplicate[offset : offset+len(req.events)]}
		offset += len(req.events)
	}
}

func (w *Writer) commitAlone(req *writeRequest) {
	duplicate, err := w.store.Write(context.Background(), req.events, req.rejections)
	req.done <- writeResult{duplicate: duplicate, err: err}
}
