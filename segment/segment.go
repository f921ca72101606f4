// Package segment reads and writes the Segment Tracking API wire format
// (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/
// and the Spec's common fields): request bodies of the /v1 endpoints, the
// messages in them, and their conversion to and from waymark.Event.
//
// One request goes through it like this:
//
//	p, err := segment.DecodePayload(body, waymark.Track) // "" for /v1/batch and /v1/import
//	if err != nil { ... } // the whole request is refused
//	for _, raw := range p.Messages {
//		m, err := p.ParseMessage(raw)
//		if err == nil {
//			err = m.Validate()
//		}
//		if err != nil { ... } // reject this message: waymark.ErrorMessage(err) is the reason
//		e := m.Event(projectID, receivedAt)
//		ua := m.UserAgent() // and m.ContextInfo(), for enrichment
//	}
//
// It is on the ingest hot path, so it has its own small JSON reader rather
// than encoding/json: each message is read once, with its syntax checked,
// taking ids, names and times, and from context and properties only the
// fields ingest types; properties, traits, context and integrations stay
// raw JSON, sliced from the body without copying. The body must therefore
// not be changed or reused while the Payload, its Messages or the Events made
// from them are in use.
//
// # Timestamps
//
// Segment's timestamp corrects the client's clock:
// timestamp = receivedAt - (sentAt - originalTimestamp), where
// originalTimestamp is the client's clock when the call was made, sentAt the
// client's clock when the request was sent and receivedAt the server's when
// it arrived. Segment applies it to whatever carries sentAt and trusts that
// a server library's clock is right, so that its timestamps move only by
// network time. Waymark keeps those exactly, by this rule:
//
//  1. "timestamp" together with "originalTimestamp" or "receivedAt" has been
//     worked out already (a replay, or the re-import of an export): kept.
//  2. Else "originalTimestamp" is the client's clock: corrected with sentAt
//     (the message's, else the batch's), or taken as is without one.
//  3. Else "timestamp" is the client's clock and becomes originalTimestamp.
//     It is corrected in the same way, unless context.library.name (the
//     message's, else the batch's) is one of Segment's server libraries
//     (analytics-go, analytics-node, @segment/analytics-node,
//     analytics-python, analytics-ruby, analytics-java, analytics-php,
//     analytics.NET): then the application chose it, perhaps for a
//     historical import, and it is kept as given. Without sentAt, as from
//     curl, there is nothing to correct with and it is kept too.
//  4. Else timestamp is receivedAt.
//
// Unknown libraries are corrected because one that sends sentAt is most
// likely a browser or a device, whose clock can be hours off; correcting a
// server by mistake costs only its own small skew. A result that is not a
// time RFC 3339 can write falls back to receivedAt, so no timestamp is zero.
package segment
