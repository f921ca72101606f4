package demo

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// msgType is a Segment call.
type msgType uint8

const (
	typeTrack msgType = iota
	typePage
	typeScreen
	typeIdentify
	typeGroup
	typeAlias
)

var typeJSON = [...]string{
	typeTrack:    `{"type":"track","messageId":"`,
	typePage:     `{"type":"page","messageId":"`,
	typeScreen:   `{"type":"screen","messageId":"`,
	typeIdentify: `{"type":"identify","messageId":"`,
	typeGroup:    `{"type":"group","messageId":"`,
	typeAlias:    `{"type":"alias","messageId":"`,
}

// span is a piece of the journey's arena: a JSON object.
type span struct{ from, to int32 }

// msg is one message of the journey being made. Its objects are already
// JSON in the arena; the messageId is given when it is emitted.
type msg struct {
	ts      int64 // unix milliseconds
	typ     msgType
	name    string // track event, page or screen name
	userID  string
	anonID  string
	groupID string
	prevID  string
	props   span   // properties, or traits for identify and group
	ctx     span   // the context, if it is in the arena
	fixed   string // else the context, if the same for every message of a device
}

// serverContext is the context of messages sent by Acme's back end (email
// tool, billing, help desk): a server library, no device.
const serverContext = `{` + libraryContext + `}`

// appendMessage writes m as the dataset's nth message.
func (g *generator) appendMessage(dst []byte, m *msg, n int) []byte {
	dst = append(dst, typeJSON[m.typ]...)
	dst = appendMessageID(dst, g.seed, n)
	dst = append(dst, `","timestamp":"`...)
	dst = appendTime(dst, m.ts)
	dst = append(dst, '"')
	if m.userID != "" {
		dst = append(dst, `,"userId":"`...)
		dst = append(dst, m.userID...) // ids are plain ASCII
		dst = append(dst, '"')
	}
	if m.anonID != "" {
		dst = append(dst, `,"anonymousId":"`...)
		dst = append(dst, m.anonID...)
		dst = append(dst, '"')
	}
	switch m.typ {
	case typeTrack:
		dst = append(dst, `,"event":`...)
		dst = appendString(dst, m.name)
	case typePage, typeScreen:
		dst = append(dst, `,"name":`...)
		dst = appendString(dst, m.name)
	case typeGroup:
		dst = append(dst, `,"groupId":"`...)
		dst = append(dst, m.groupID...)
		dst = append(dst, '"')
	case typeAlias:
		dst = append(dst, `,"previousId":"`...)
		dst = append(dst, m.prevID...)
		dst = append(dst, '"')
	}
	if m.props.to > m.props.from {
		if m.typ == typeIdentify || m.typ == typeGroup {
			dst = append(dst, `,"traits":`...)
		} else {
			dst = append(dst, `,"properties":`...)
		}
		dst = append(dst, g.arena[m.props.from:m.props.to]...)
	}
	dst = append(dst, `,"context":`...)
	switch {
	case m.ctx.to > m.ctx.from:
		dst = append(dst, g.arena[m.ctx.from:m.ctx.to]...)
	case m.fixed != "":
		dst = append(dst, m.fixed...)
	default:
		dst = append(dst, serverContext...)
	}
	return append(dst, '}')
}

// appendTime writes a unix millisecond time as RFC 3339 UTC with
// milliseconds, as Segment's libraries do.
func appendTime(dst []byte, ms int64) []byte {
	t := time.UnixMilli(ms).UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	dst = appendDigits(dst, y, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(mo), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, h, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, mi, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, s, 2)
	dst = append(dst, '.')
	dst = appendDigits(dst, int(((ms%1000)+1000)%1000), 3)
	return append(dst, 'Z')
}

func appendDigits(dst []byte, v, width int) []byte {
	var b [8]byte
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[:width]...)
}

// appendString writes s as a JSON string.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if c < 0x20 {
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			} else {
				dst = append(dst, `\ufffd`...)
			}
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// Building JSON objects in the arena. Keys are constants of this package
// and written as they are.

// object starts an object, as a value or an array element, and returns
// where it starts for end.
func (g *generator) object() int32 {
	g.comma()
	g.arena = append(g.arena, '{')
	return int32(len(g.arena) - 1)
}

// done closes the object started at from.
func (g *generator) done(from int32) span {
	g.arena = append(g.arena, '}')
	return span{from, int32(len(g.arena))}
}

// comma separates a member or element from the one before it.
func (g *generator) comma() {
	if n := len(g.arena); n > 0 {
		switch g.arena[n-1] {
		case '{', '[', ':':
		default:
			g.arena = append(g.arena, ',')
		}
	}
}

func (g *generator) key(k string) {
	g.comma()
	g.arena = append(g.arena, '"')
	g.arena = append(g.arena, k...)
	g.arena = append(g.arena, '"', ':')
}

func (g *generator) str(k, v string) {
	g.key(k)
	g.arena = appendString(g.arena, v)
}

func (g *generator) num(k string, v int) {
	g.key(k)
	g.arena = strconv.AppendInt(g.arena, int64(v), 10)
}

// money writes an amount rounded to cents.
func (g *generator) money(k string, v float64) {
	g.key(k)
	g.arena = strconv.AppendFloat(g.arena, float64(int64(v*100+0.5))/100, 'f', -1, 64)
}

func (g *generator) boolean(k string, v bool) {
	g.key(k)
	g.arena = strconv.AppendBool(g.arena, v)
}

func (g *generator) datetime(k string, ms int64) {
	g.key(k)
	g.arena = append(g.arena, '"')
	g.arena = appendTime(g.arena, ms)
	g.arena = append(g.arena, '"')
}

// open starts an array or object member; close ends it.
func (g *generator) open(k string, bracket byte) {
	g.key(k)
	g.arena = append(g.arena, bracket)
}

func (g *generator) close(bracket byte) { g.arena = append(g.arena, bracket) }

// add appends a message to the journey.
func (g *generator) add(m msg) { g.msgs = append(g.msgs, m) }
