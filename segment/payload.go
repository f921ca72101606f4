package segment

import (
	"encoding/json"

	"github.com/waymark-analytics/waymark"
)

// Limits of the Segment Tracking API, which clients size their batches by.
const (
	MaxMessageBytes  = 32 << 10  // one message
	MaxBatchBytes    = 500 << 10 // one request body
	MaxBatchMessages = 2500      // messages in one batch
)

// MaxStringBytes bounds ids (messageId, userId, anonymousId, groupId,
// previousId) and names (event, name, category). Real ones are far shorter;
// longer ones are mistakes, such as a serialized object sent as an id, that
// would bloat every index they land in.
const MaxStringBytes = 1024

// Payload is a decoded request body of any /v1 endpoint. Its fields share
// memory with the body, which must not be changed while they are in use.
type Payload struct {
	// WriteKey is the body's "writeKey": analytics.js posts text/plain bodies
	// with the key inside rather than in an Authorization header. It may be
	// empty.
	WriteKey string

	// SentAt, Context and Integrations are the batch's; Segment lets a batch
	// carry them for every message that lacks its own. They are empty for a
	// single-message body, whose own fields stay in the message, and when
	// the batch's field cannot be used.
	SentAt       string
	Context      json.RawMessage
	Integrations json.RawMessage

	// Messages are the messages as sent, to be read with ParseMessage. They
	// may be broken: DecodePayload only finds where each one ends.
	Messages []json.RawMessage

	typ       waymark.MessageType // the endpoint's, or "" for a batch
	checked   bool                // made by DecodePayload, so its raw fields are valid JSON
	context   ContextInfo         // contextOf decoded
	contextOf json.RawMessage

	// Why the batch's sentAt, context or integrations cannot be used: the
	// reason to reject each message that would take it.
	sentAtErr, contextErr, integrationsErr error
}

// DecodePayload reads a request body. typ names the single-message endpoint
// it was posted to ("track", "page", ...): the body is then one message whose
// type defaults to typ and must not contradict it. typ "" is for /v1/batch
// and /v1/import, whose body is {"batch": [...], ...}.
//
// Errors are *waymark.Error: KindTooLarge for a body over MaxBatchBytes, a
// batch of more than MaxBatchMessages or a single message over
// MaxMessageBytes; KindInvalid, saying what is wrong, for anything else that
// cannot be read. Only a body whose outer structure cannot be read fails:
// one that is not an object, whose own members cannot be told apart, or
// whose brackets or quotes do not pair up. A message that is broken inside
// (invalid UTF-8, bad syntax, nested too deeply, a number too large) is kept
// for ParseMessage to reject on its own, and so is a single-message body
// that is; a batch's sentAt, context or integrations that cannot be used
// rejects only the messages that would take it.
func DecodePayload(body []byte, typ waymark.MessageType) (Payload, error) {
	if len(body) > MaxBatchBytes {
		return Payload{}, waymark.Errorf(waymark.KindTooLarge, "request body is %d bytes; the limit is %d", len(body), MaxBatchBytes)
	}
	if typ != "" && !knownType(typ) {
		return Payload{}, waymark.Errorf(waymark.KindInvalid, "unknown message type %s", quote(string(typ)))
	}
	r := reader{data: body, tolerant: true}
	if r.peek() != '{' {
		if err := checkJSON(body); err != nil {
			return Payload{}, invalidJSON("request body", err)
		}
		return Payload{}, waymark.Errorf(waymark.KindInvalid, "request body must be a JSON object")
	}
	p := Payload{typ: typ, checked: true}
	var err error
	if typ == "" {
		err = p.readBatch(&r)
	} else {
		err = p.readMessage(&r)
	}
	if err != nil {
		return Payload{}, err
	}
	return p, nil
}

func knownType(t waymark.MessageType) bool {
	switch t {
	case waymark.Track, waymark.Page, waymark.Screen, waymark.Identify, waymark.Group, waymark.Alias:
		return true
	}
	return false
}

// readMessage reads a single-message body, taking out its writeKey and
// checking its type.
func (p *Payload) readMessage(r *reader) error {
	start := r.pos
	r.pos++
	for first := true; ; first = false {
		k, esc, more, err := r.nextKey(first)
		if err != nil {
			return invalidJSON("request body", err)
		}
		if !more {
			break
		}
		var fieldErr string
		switch string(keyName(k, esc)) {
		case "writeKey":
			p.WriteKey, fieldErr, err = r.stringField("", "writeKey")
		case "type":
			r.flaw = nil
			var t string
			t, fieldErr, err = r.stringField("", "type")
			if fieldErr == "" && err == nil && r.flaw == nil && t != "" && t != string(p.typ) {
				return typeMismatch(t, p.typ)
			}
		default:
			_, err = r.skipAny(1)
		}
		if err != nil {
			return invalidJSON("request body", err)
		}
		if fieldErr != "" {
			return waymark.Errorf(waymark.KindInvalid, "%s", fieldErr)
		}
	}
	msg := r.data[start:r.pos]
	if err := r.end(); err != nil {
		return invalidJSON("request body", err)
	}
	if len(msg) > MaxMessageBytes {
		return waymark.Errorf(waymark.KindTooLarge, "message is %d bytes; the limit is %d", len(msg), MaxMessageBytes)
	}
	p.Messages = []json.RawMessage{msg}
	return nil
}

// readBatch reads a /v1/batch or /v1/import body.
func (p *Payload) readBatch(r *reader) error {
	r.pos++
	sawBatch := false
	for first := true; ; first = false {
		k, esc, more, err := r.nextKey(first)
		if err != nil {
			return invalidJSON("request body", err)
		}
		if !more {
			break
		}
		var fieldErr string
		switch name := string(keyName(k, esc)); name {
		case "batch":
			sawBatch = true
			if err := p.readMessages(r); err != nil {
				return err
			}
		case "writeKey":
			p.WriteKey, fieldErr, err = r.stringField("", "writeKey")
		case "sentAt":
			p.sentAtErr, err = p.readBatchField(r, name)
		case "context":
			p.contextErr, err = p.readBatchField(r, name)
		case "integrations":
			p.integrationsErr, err = p.readBatchField(r, name)
		default:
			_, err = r.skipAny(1)
		}
		if err != nil {
			return invalidJSON("request body", err)
		}
		if fieldErr != "" {
			return waymark.Errorf(waymark.KindInvalid, "%s", fieldErr)
		}
	}
	if err := r.end(); err != nil {
		return invalidJSON("request body", err)
	}
	if !sawBatch {
		return waymark.Errorf(waymark.KindInvalid, `request body has no "batch" array`)
	}
	if p.Context != nil {
		p.context = decodeContextInfo(p.Context, string(p.Context))
		p.contextOf = p.Context
	}
	return nil
}

// readBatchField reads the batch's sentAt, context or integrations into p.
// One that cannot be used is returned as problem, the reason to reject the
// messages that would take it; err is for a body that cannot be read on.
func (p *Payload) readBatchField(r *reader, name string) (problem, err error) {
	start := r.valueStart()
	flaw, err := r.skipAny(1)
	if err != nil {
		return nil, err
	}
	raw := r.data[start:r.pos]
	switch {
	case flaw != nil:
		return jsonError(`batch "`+name+`"`, "batch "+name, flaw), nil
	case name == "sentAt":
		sub := reader{data: raw}
		sentAt, fieldErr, _ := sub.stringField("", "sentAt")
		switch {
		case fieldErr != "":
			return waymark.Errorf(waymark.KindInvalid, "batch %s", fieldErr), nil
		case sentAt != "":
			if problem := checkTime("sentAt", sentAt); problem != nil {
				return waymark.Errorf(waymark.KindInvalid, "batch %s", waymark.ErrorMessage(problem)), nil
			}
		}
		p.SentAt = sentAt
	case raw[0] != '{' && !isNull(raw):
		return waymark.Errorf(waymark.KindInvalid, "batch %q must be a JSON object", name), nil
	case name == "context":
		p.Context = rawObject(raw)
	default:
		p.Integrations = rawObject(raw)
	}
	return nil, nil
}

// readMessages reads the "batch" array, slicing out each message. A message
// is nested as deep as it would be on its own, so that its depth is judged
// the same way in a batch and at a single-message endpoint.
func (p *Payload) readMessages(r *reader) error {
	if r.peek() != '[' {
		if _, err := r.skipAny(1); err != nil {
			return invalidJSON("request body", err)
		}
		return waymark.Errorf(waymark.KindInvalid, `"batch" must be an array of messages`)
	}
	r.pos++
	p.Messages = make([]json.RawMessage, 0, 64)
	if r.peek() == ']' {
		r.pos++
		return nil
	}
	for {
		if len(p.Messages) == MaxBatchMessages {
			return waymark.Errorf(waymark.KindTooLarge, "batch has more than %d messages", MaxBatchMessages)
		}
		start := r.valueStart()
		if _, err := r.skipAny(0); err != nil {
			return invalidJSON("request body", err)
		}
		p.Messages = append(p.Messages, r.data[start:r.pos])
		switch r.peek() {
		case ',':
			r.pos++
		case ']':
			r.pos++
			return nil
		default:
			return invalidJSON("request body", r.unexpected())
		}
	}
}

// contextInfo returns the batch context decoded, decoding it now if Context
// was set or changed after DecodePayload.
func (p *Payload) contextInfo() ContextInfo {
	if len(p.Context) == len(p.contextOf) && (len(p.Context) == 0 || &p.Context[0] == &p.contextOf[0]) {
		return p.context
	}
	return decodeContextInfo(p.Context, "")
}
