package segment

import (
	"bytes"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

// BenchmarkDecodeBatch is the ingest path of this package for a batch of 100
// analytics.js page and track messages: decode the body, then parse,
// validate and convert every message.
func BenchmarkDecodeBatch(b *testing.B) {
	const n = 100
	msgs := [][]byte{readFile(b, "analytics-js-page.json"), readFile(b, "analytics-js-track.json")}
	var body bytes.Buffer
	body.WriteString(`{"writeKey":"wk_live_7Hq2mZ","batch":[`)
	for i := range n {
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(msgs[i%2])
	}
	body.WriteString(`],"sentAt":"2024-05-14T10:21:36.000Z"}`)
	data := body.Bytes()
	receivedAt := time.Date(2024, 5, 14, 10, 21, 36, 0, time.UTC)
	var sink waymark.Event

	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	iterations := 0
	for b.Loop() {
		p, err := DecodePayload(data, "")
		if err != nil || len(p.Messages) != n {
			b.Fatal(len(p.Messages), err)
		}
		for _, raw := range p.Messages {
			m, err := p.ParseMessage(raw)
			if err == nil {
				err = m.Validate()
			}
			if err != nil {
				b.Fatal(err)
			}
			sink = m.Event("proj", receivedAt)
		}
		iterations++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iterations*n), "ns/event")
	b.ReportMetric(float64(len(data))/n, "B/event")
	_ = sink
}
