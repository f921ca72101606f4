package http

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/segment"
)

// The pace of a live stream: how often it asks the store for new events,
// how often it sends a comment so that proxies keep the connection open,
// and how long a browser waits before it reconnects: longer after the
// store failed, for then every open tab reconnects, and a failing store
// seldom heals within seconds.
const (
	livePoll        = 500 * time.Millisecond
	liveHeartbeat   = 15 * time.Second
	liveRetry       = 2 * time.Second
	liveRetryFailed = 30 * time.Second
)

// LiveReader is what the live stream reads: where the stream starts, and
// the events stored after a mark.
type LiveReader interface {
	LiveStart(ctx context.Context, f report.EventFilter) (report.LiveMark, error)
	EventsStoredAfter(ctx context.Context, f report.EventFilter, mark report.LiveMark, fn func(e *report.StoredEvent) error) (report.LiveMark, error)
}

// liveEvents answers GET /api/v1/events/live: Server-Sent Events, one
// event a message, each new stored event of the filter as its export line,
// until the client goes or the server shuts down. A client that reconnects
// with Last-Event-ID resumes after that event, and gets none twice.
func (s *Server) liveEvents(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	p, err := params(r, "person", "type", "name", "where")
	if err != nil {
		return err
	}
	f, err := eventFilter(project, p)
	if err != nil {
		return err
	}
	if err := f.ValidateLive(); err != nil {
		return err
	}
	ctx := r.Context()
	var mark report.LiveMark
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		if mark, err = report.ParseLiveMark(id); err != nil {
			return waymark.Errorf(waymark.KindInvalid, "Last-Event-ID %q is not an id this stream sent", id)
		}
	} else if mark, err = s.Store.LiveStart(ctx, f); err != nil {
		return err
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("live events: the response cannot be flushed")
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no") // nginx would hold the events back
	w.WriteHeader(http.StatusOK)
	// Each id is the mark to resume from. A message of an id alone moves
	// the browser's Last-Event-ID on without an event: after a read, to
	// the read's mark, which holds more than the last event's.
	sentID := mark.String()
	fmt.Fprintf(w, "retry: %d\nid: %s\n\n", liveRetry.Milliseconds(), sentID)
	flusher.Flush()

	enc := segment.NewEncoder(w)
	poll, heartbeat := time.NewTicker(livePoll), time.NewTicker(liveHeartbeat)
	defer poll.Stop()
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.shutdown:
			return nil
		case <-heartbeat.C:
			fmt.Fprint(w, ": heartbeat\n\n")
			flusher.Flush()
		case <-poll.C:
			passed := mark
			next, err := s.Store.EventsStoredAfter(ctx, f, mark, func(e *report.StoredEvent) error {
				passed = passed.After(e)
				sentID = passed.String()
				fmt.Fprintf(w, "id: %s\ndata: ", sentID)
				if err := enc.Encode(segment.Export(&e.Event, e.PersonID)); err != nil { // ends the line
					return err
				}
				fmt.Fprint(w, "\n")
				flusher.Flush()
				return nil
			})
			if err != nil {
				if ctx.Err() == nil {
					s.Logger.Error("live events failed", "err", err)
					fmt.Fprintf(w, "retry: %d\nevent: error\ndata: ", liveRetryFailed.Milliseconds())
					enc.Encode(map[string]string{"error": waymark.ErrorMessage(err)})
					fmt.Fprint(w, "\n")
					flusher.Flush()
				}
				return nil
			}
			mark = next
			if id := mark.String(); id != sentID {
				sentID = id
				fmt.Fprintf(w, "id: %s\n\n", sentID)
				flusher.Flush()
			}
		}
	}
}
