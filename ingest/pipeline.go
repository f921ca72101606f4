// Package ingest turns Segment messages into stored events: a pipeline of
// small steps (parse, validate, correct clock skew, enrich user agent,
// classify channel, locate IP) feeding one group-committing writer.
package ingest

import (
	"encoding/json"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/channel"
	"github.com/waymark-analytics/waymark/segment"
	"github.com/waymark-analytics/waymark/useragent"
)

// GeoLookup locates an IP address; geoip.DB is the one in use.
type GeoLookup interface {
	Lookup(ip string) waymark.Geo
}

// Options configure a pipeline.
type Options struct {
	IP  IPPolicy
	Geo GeoLookup // nil: no geolocation
}

// Pipeline validates and enriches messages. It is safe for concurrent use.
type Pipeline struct {
	opts       Options
	userAgents *useragent.Parser
}

// NewPipeline returns a pipeline with opts.
func NewPipeline(opts Options) *Pipeline {
	return &Pipeline{opts: opts, userAgents: useragent.New(4096)}
}

// Batch is the outcome of processing one request: the events to store, the
// dead letters to keep, and what to tell the sender about the rejected ones.
type Batch struct {
	Events     []waymark.Event
	Rejections []waymark.Rejection
	Rejected   []Rejected
}

// Rejected tells a sender which message of its request was refused and why.
type Rejected struct {
	Index     int    `json:"index"`
	MessageID string `json:"messageId,omitempty"`
	Reason    string `json:"reason"`
}

// Process runs every message of payload through the pipeline. Invalid
// messages become rejections; they never affect the valid ones.
func (p *Pipeline) Process(projectID string, payload segment.Payload, receivedAt time.Time) Batch {
	b := Batch{Events: make([]waymark.Event, 0, len(payload.Messages))}
	for i, raw := range payload.Messages {
		e, messageID, err := p.process(projectID, &payload, raw, receivedAt)
		if err != nil {
			reason := waymark.ErrorMessage(err)
			b.Rejected = append(b.Rejected, Rejected{Index: i, MessageID: messageID, Reason: reason})
			b.Rejections = append(b.Rejections, waymark.Rejection{
				ProjectID: projectID, MessageID: messageID, Reason: reason,
				Payload: raw, ReceivedAt: receivedAt,
			})
			continue
		}
		b.Events = append(b.Events, e)
	}
	return b
}

func (p *Pipeline) process(projectID string, payload *segment.Payload, raw json.RawMessage, receivedAt time.Time) (waymark.Event, string, error) {
	m, err := payload.ParseMessage(raw)
	if err != nil {
		return waymark.Event{}, m.MessageID, err
	}
	if err := m.Validate(); err != nil {
		return waymark.Event{}, m.MessageID, err
	}
	e := m.Event(projectID, receivedAt)
	e.Device = p.userAgents.Parse(m.UserAgent())
	e.Campaign = channel.Classify(e.Campaign, e.Page.URL, e.Page.Referrer)
	if p.opts.Geo != nil && e.Geo.IP != "" {
		e.Geo = p.opts.Geo.Lookup(e.Geo.IP)
	}
	e.Geo.IP = p.opts.IP.apply(e.Geo.IP)
	if p.opts.IP != IPKeep {
		e.Context = p.opts.IP.scrubContext(e.Context)
	}
	return e, e.MessageID, nil
}
