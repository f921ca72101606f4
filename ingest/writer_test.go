package ingest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/waymark-analytics/waymark"
)

// recordingStore marks every event whose MessageID starts with "dup" as a
// duplicate and can hold its first commit until released.
type recordingStore struct {
	mu      sync.Mutex
	commits [][]string
	entered chan struct{} // receives once per Write call, if set
	hold    chan struct{}
	err     error
}

func (s *recordingStore) Write(_ context.Context, events []waymark.Event, _ []waymark.Rejection) ([]bool, error) {
	if s.entered != nil {
		s.entered <- struct{}{}
	}
	if s.hold != nil {
		<-s.hold
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	var ids []string
	dup := make([]bool, len(events))
	for i, e := range events {
		ids = append(ids, e.MessageID)
		dup[i] = len(e.MessageID) >= 3 && e.MessageID[:3] == "dup"
	}
	s.commits = append(s.commits, ids)
	return dup, nil
}

func events(ids ...string) []waymark.Event {
	out := make([]waymark.Event, len(ids))
	for i, id := range ids {
		out[i].MessageID = id
	}
	return out
}

func TestWriterGroupsQueuedRequestsIntoOneCommit(t *testing.T) {
	store := &recordingStore{entered: make(chan struct{}, 2), hold: make(chan struct{})}
	w := NewWriter(store, 1000)
	defer w.Close()

	// The first request occupies the store; the next ten queue behind it.
	var wg sync.WaitGroup
	results := make([][]bool, 11)
	write := func(i int) {
		defer wg.Done()
		dup, err := w.Write(context.Background(), events(fmt.Sprintf("m%d", i), fmt.Sprintf("dup%d", i)), nil)
		if err != nil {
			t.Error(err)
		}
		results[i] = dup
	}
	wg.Add(1)
	go write(0)
	<-store.entered
	wg.Add(10)
	for i := 1; i <= 10; i++ {
		go write(i)
	}
	for len(w.requests) != 10 {
		runtime.Gosched()
	}
	close(store.hold)
	wg.Wait()

	if len(store.commits) != 2 {
		t.Fatalf("got %d commits, want 2 (the first request, then the ten queued together): %v", len(store.commits), store.commits)
	}
	for i, dup := range results {
		if len(dup) != 2 || dup[0] || !dup[1] {
			t.Errorf("request %d got duplicates %v, want [false true]", i, dup)
		}
	}
}

func TestWriterReportsStoreErrorsToEveryCaller(t *testing.T) {
	failure := errors.New("disk full")
	w := NewWriter(&recordingStore{err: failure}, 1000)
	defer w.Close()
	if _, err := w.Write(context.Background(), events("m1"), nil); !errors.Is(err, failure) {
		t.Fatalf("err = %v, want %v", err, failure)
	}
}

func TestWriterRefusesWritesAfterClose(t *testing.T) {
	w := NewWriter(&recordingStore{}, 1000)
	w.Close()
	_, err := w.Write(context.Background(), events("m1"), nil)
	if waymark.ErrorKind(err) != waymark.KindUnavailable {
		t.Fatalf("err = %v, want unavailable", err)
	}
}

// poisonStore refuses any write that contains the event "poison".
type poisonStore struct{ recordingStore }

func (s *poisonStore) Write(ctx context.Context, events []waymark.Event, rejections []waymark.Rejection) ([]bool, error) {
	for _, e := range events {
		if e.MessageID == "poison" {
			return nil, errors.New("refused")
		}
	}
	return s.recordingStore.Write(ctx, events, rejections)
}

func TestWriterIsolatesARefusedRequestFromItsGroup(t *testing.T) {
	store := &poisonStore{recordingStore{entered: make(chan struct{}, 8), hold: make(chan struct{})}}
	w := NewWriter(store, 1000)
	defer w.Close()

	errs := make(chan error, 3)
	go func() { _, err := w.Write(context.Background(), events("first"), nil); errs <- err }()
	<-store.entered // the first commit holds the store while the next two queue
	go func() { _, err := w.Write(context.Background(), events("poison"), nil); errs <- err }()
	go func() { _, err := w.Write(context.Background(), events("good"), nil); errs <- err }()
	for len(w.requests) != 2 {
		runtime.Gosched()
	}
	close(store.hold)
	failed := 0
	for range 3 {
		if <-errs != nil {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("%d requests failed, want only the refused one", failed)
	}
	if got := fmt.Sprint(store.commits); got != "[[first] [good]]" {
		t.Errorf("commits = %s, want the good request stored on its own", got)
	}
}
