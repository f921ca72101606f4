// Package ingest turns Segment messages into stored events: a pipeline of
// small steps (parse, validate, correct clock skew, enrich user agent,
// classify channel, locate IP) feeding one group-committing writer.
package ingest

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"

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

// Source is where a request came from.
type Source struct {
	ProjectID  string
	ReceivedAt time.Time
	// IP is the client's address, for messages without context.ip: browsers
	// do not know their public address, the server sees it.
	IP string
}

// Process runs every message of payload through the pipeline. Invalid
// messages become rejections; they never affect the valid ones.
func (p *Pipeline) Process(src Source, payload segment.Payload) Batch {
	b := Batch{Events: make([]waymark.Event, 0, len(payload.Messages))}
	for i, raw := range payload.Messages {
		e, messageID, err := p.process(src, &payload, raw)
		if err != nil {
			reason := waymark.ErrorMessage(err)
			b.Rejected = append(b.Rejected, Rejected{Index: i, MessageID: messageID, Reason: reason})
			b.Rejections = append(b.Rejections, waymark.Rejection{
				ProjectID: src.ProjectID, MessageID: messageID, Reason: reason,
				Payload: storable(raw), ReceivedAt: src.ReceivedAt,
			})
			continue
		}
		b.Events = append(b.Events, e)
	}
	return b
}

// storable is a rejected message as its dead letter keeps it. Stores hold
// the payload as text, which must be UTF-8 (DuckDB refuses anything else, and
// export writes JSON), so each run of invalid bytes becomes U+FFFD; a
// message whose only fault was its UTF-8 becomes valid JSON by it.
func storable(raw json.RawMessage) json.RawMessage {
	if utf8.Valid(raw) {
		return raw
	}
	return bytes.ToValidUTF8(raw, []byte("\uFFFD"))
}

func (p *Pipeline) process(src Source, payload *segment.Payload, raw json.RawMessage) (waymark.Event, string, error) {
	m, err := payload.ParseMessage(raw)
	if err != nil {
		return waymark.Event{}, m.MessageID, err
	}
	if err := m.Validate(); err != nil {
		return waymark.Event{}, m.MessageID, err
	}
	e := m.Event(src.ProjectID, src.ReceivedAt)
	e.Device = p.userAgents.Parse(m.UserAgent())
	appDevice(&e.Device, m.ContextInfo())
	if e.Geo.IP == "" {
		e.Geo.IP = src.IP
	}
	e.Campaign = channel.Classify(e.Campaign, e.Page.URL, e.Page.Referrer)
	// A location the message gives (context.location, from a device's GPS
	// or a back end that knows its customer) is more precise than the IP's,
	// even in part: a city without a country does not get the IP's city.
	if p.opts.Geo != nil && e.Geo.IP != "" && e.Geo.Country == "" && e.Geo.Region == "" && e.Geo.City == "" {
		e.Geo = p.opts.Geo.Lookup(e.Geo.IP)
	}
	e.Geo.IP = p.opts.IP.apply(e.Geo.IP)
	if p.opts.IP != IPKeep {
		e.Context = p.opts.IP.scrubContext(e.Context)
	}
	return e, e.MessageID, nil
}

// appDevice fills what a user agent did not say from the context that mobile
// libraries send. Their context.device.type names the platform (ios,
// android), so it only tells that the client is a mobile app.
func appDevice(d *waymark.Device, c segment.ContextInfo) {
	if d.OS == "" {
		d.OS, d.OSVersion = c.OSName, c.OSVersion
	}
	if d.Type == "" && c.DeviceType != "" {
		d.Type = "mobile"
	}
}
