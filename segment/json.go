package segment

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is a small validating JSON reader. encoding/json would scan every
// message at least twice (validate, then decode) and a third time to look
// inside context; this reader walks a message once, checks its syntax as
// strictly as RFC 8259 asks (including UTF-8), hands back the few fields
// ingest types and leaves everything else as slices of the input.

// maxDepth bounds nesting so hostile input cannot grow the stack.
const maxDepth = 256

// syntaxError is a JSON syntax error at a byte offset of the input read.
type syntaxError struct {
	msg string
	off int
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s at byte %d", e.msg, e.off) }

// depthError is a value nested more than maxDepth levels: valid JSON, but
// more than the reader goes into.
type depthError struct{ off int }

func (e *depthError) Error() string {
	return fmt.Sprintf("nested more than %d levels deep at byte %d", maxDepth, e.off)
}

// numberError is a number too large for a float64, which JSON allows but
// which no JSON decoder reading into numbers can give back.
type numberError struct {
	text string
	off  int
	// path leads to the number, innermost first: member names, and array
	// indexes as "[i]". It is added to as the error leaves each object and
	// array, so that the reason can name the field at no cost to valid input.
	path []string
}

func (e *numberError) Error() string {
	return fmt.Sprintf("number %s is too large at byte %d", cut(e.text), e.off)
}

// in adds the member or index err came out of to a numberError's path.
func in(err error, step string) error {
	if e, ok := err.(*numberError); ok {
		e.path = append(e.path, step)
	}
	return err
}

// fieldPath writes the path of e below root ("" for a message's top level).
func (e *numberError) fieldPath(root string) string {
	var b strings.Builder
	b.WriteString(root)
	for i := len(e.path) - 1; i >= 0; i-- {
		if b.Len() > 0 && !strings.HasPrefix(e.path[i], "[") {
			b.WriteByte('.')
		}
		b.WriteString(e.path[i])
	}
	return b.String()
}

// reader reads JSON from data. A strict reader (the zero value) fails on
// the first problem. A tolerant one, used on request bodies, reads past
// what is wrong inside a string (invalid UTF-8, a control character, a bad
// escape) and notes the first such flaw, so that a body can be taken apart
// into its messages even when one of them is broken; each message is then
// read again strictly on its own.
type reader struct {
	data     []byte
	pos      int
	tolerant bool
	flaw     error // the tolerant reader's first flaw since it was last cleared
}

func (r *reader) fail(msg string) error { return &syntaxError{msg: msg, off: r.pos} }

// flawed notes a flaw at byte off for a tolerant reader.
func (r *reader) flawed(off int, msg string) {
	if r.flaw == nil {
		r.flaw = &syntaxError{msg: msg, off: off}
	}
}

// unexpected describes the byte at pos, which the grammar does not allow there.
func (r *reader) unexpected() error {
	if r.pos >= len(r.data) {
		return r.fail("unexpected end of JSON")
	}
	if c := r.data[r.pos]; c >= 0x20 && c < 0x7f {
		return r.fail(fmt.Sprintf("unexpected %q", c))
	}
	return r.fail(fmt.Sprintf("unexpected byte 0x%02x", r.data[r.pos]))
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (r *reader) peek() byte {
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; c {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return c
		}
	}
	return 0
}

// end checks that only whitespace is left.
func (r *reader) end() error {
	if r.peek() != 0 || r.pos < len(r.data) {
		return r.fail(fmt.Sprintf("unexpected %q after the end of the JSON value", r.data[r.pos]))
	}
	return nil
}

// skipValue reads one value of any type, checking its syntax.
func (r *reader) skipValue(depth int) error {
	switch c := r.peek(); c {
	case '{':
		return r.members(depth, func([]byte) error { return r.skipValue(depth + 1) })
	case '[':
		if depth >= maxDepth {
			return &depthError{off: r.pos}
		}
		r.pos++
		if r.peek() == ']' {
			r.pos++
			return nil
		}
		for i := 0; ; i++ {
			if err := r.skipValue(depth + 1); err != nil {
				return in(err, "["+strconv.Itoa(i)+"]")
			}
			switch r.peek() {
			case ',':
				r.pos++
			case ']':
				r.pos++
				return nil
			default:
				return r.unexpected()
			}
		}
	case '"':
		_, _, _, err := r.readString()
		return err
	case 't':
		return r.literal("true")
	case 'f':
		return r.literal("false")
	case 'n':
		return r.literal("null")
	default:
		_, err := r.readNumber()
		return err
	}
}

// skipAny reads the value at pos like skipValue, and also gets past a
// value that skipValue refuses (broken inside, nested too deeply, a number
// too large) as long as skipBroken can find where it ends. flaw is the first
// problem in the value, the tolerant reader's or skipValue's; err is set only
// when the value's end cannot be found.
func (r *reader) skipAny(depth int) (flaw, err error) {
	start := r.valueStart()
	r.flaw = nil
	if err := r.skipValue(depth); err != nil {
		if r.flaw == nil {
			r.flaw = err
		}
		r.pos = start
		if err := r.skipBroken(); err != nil {
			return nil, err
		}
	}
	return r.flaw, nil
}

// skipBroken moves past the value at pos by its structure alone: a string
// runs to the next quote not escaped by a backslash, whatever it holds;
// brackets must pair; anything else runs up to the next bracket, quote,
// comma, colon or space. It has no depth limit, as it does not recurse. It
// fails only where the value has no end: brackets that do not pair, or input
// that ends first.
func (r *reader) skipBroken() error {
	data := r.data
	var open []byte // the brackets not closed yet
	for {
		if r.peek(); r.pos >= len(data) {
			return r.fail("unexpected end of JSON")
		}
		switch c := data[r.pos]; c {
		case '"':
			i := r.pos + 1
			for ; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
			r.pos = min(i, len(data))
			if i >= len(data) {
				return r.fail("unterminated string")
			}
			r.pos++
		case '{', '[':
			open = append(open, c)
			r.pos++
		case '}', ']':
			if len(open) == 0 || open[len(open)-1] != c-2 { // '{'+2 is '}', '['+2 is ']'
				return r.unexpected()
			}
			open = open[:len(open)-1]
			r.pos++
		case ',', ':':
			if len(open) == 0 {
				return r.unexpected()
			}
			r.pos++
		default:
			for r.pos < len(data) && !delimiter[data[r.pos]] {
				r.pos++
			}
		}
		if len(open) == 0 {
			return nil
		}
	}
}

// delimiter marks the bytes that end a value other than a string or a
// container.
var delimiter = func() (t [256]bool) {
	for _, c := range []byte(" \t\n\r\",:[]{}") {
		t[c] = true
	}
	return t
}()

// members reads the object at r, whose nesting depth is depth, calling
// member with each member's name; member must read the member's value.
func (r *reader) members(depth int, member func(name []byte) error) error {
	if depth >= maxDepth {
		return &depthError{off: r.pos}
	}
	r.pos++ // '{'
	for first := true; ; first = false {
		k, esc, more, err := r.nextKey(first)
		if err != nil || !more {
			return err
		}
		name := keyName(k, esc)
		if err := member(name); err != nil {
			return in(err, string(name))
		}
	}
}

// nextKey reads up to and including the ':' after the next member name of an
// object whose '{' has been read, or reads the closing '}' and reports more
// false. first tells whether a member has been read before.
func (r *reader) nextKey(first bool) (key []byte, escaped, more bool, err error) {
	c := r.peek()
	if c == '}' {
		r.pos++
		return nil, false, false, nil
	}
	if !first {
		if c != ',' {
			return nil, false, false, r.unexpected()
		}
		r.pos++
		c = r.peek()
	}
	if c != '"' {
		return nil, false, false, r.unexpected()
	}
	start, end, escaped, err := r.readString()
	if err != nil {
		return nil, false, false, err
	}
	if r.peek() != ':' {
		return nil, false, false, r.unexpected()
	}
	r.pos++
	return r.data[start:end], escaped, true, nil
}

// plain marks the bytes a string may hold with no further thought: printable
// ASCII other than '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// readString reads the string at pos (which holds '"') and returns where its
// bytes between the quotes are, escapes still in place, and whether it has any.
func (r *reader) readString() (start, end int, escaped bool, err error) {
	data := r.data
	start = r.pos + 1
	i := start
	for {
		for i+8 <= len(data) && !special8(binary.LittleEndian.Uint64(data[i:])) {
			i += 8
		}
		for i < len(data) && plain[data[i]] {
			i++
		}
		if i >= len(data) {
			r.pos = i
			return 0, 0, false, r.fail("unterminated string")
		}
		switch c := data[i]; {
		case c == '"':
			r.pos = i + 1
			return start, i, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(data) {
				r.pos = i + 1
				return 0, 0, false, r.fail("unterminated string")
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					if r.tolerant {
						r.flawed(i, `invalid \u escape in string`)
						i += 2
						continue
					}
					r.pos = i
					return 0, 0, false, r.fail(`invalid \u escape in string`)
				}
				i += 6
			default:
				if r.tolerant {
					r.flawed(i, "invalid escape in string")
					i += 2
					continue
				}
				r.pos = i
				return 0, 0, false, r.fail("invalid escape in string")
			}
		case c < 0x20:
			if r.tolerant {
				r.flawed(i, "control character in string")
				i++
				continue
			}
			r.pos = i
			return 0, 0, false, r.fail("control character in string")
		default:
			rn, size := utf8.DecodeRune(data[i:])
			if rn == utf8.RuneError && size <= 1 {
				if r.tolerant {
					r.flawed(i, "invalid UTF-8 in string")
					i++
					continue
				}
				r.pos = i
				return 0, 0, false, r.fail("invalid UTF-8 in string")
			}
			i += size
		}
	}
}

// special8 reports whether any of the 8 bytes in x is not plain: it lets
// readString pass over the usual string eight bytes at a time (the bit trick
// is "determine if a word has a byte less than n" from Bit Twiddling Hacks).
func special8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := x ^ (ones * '"')
	backslash := x ^ (ones * '\\')
	return ((quote-ones)&^quote|(backslash-ones)&^backslash|(x-ones*0x20)&^x|x)&highs != 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// readNumber reads the number at pos and returns its text.
func (r *reader) readNumber() ([]byte, error) {
	data := r.data
	start := r.pos
	i := start
	if i < len(data) && data[i] == '-' {
		i++
	}
	intStart := i
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		for i++; i < len(data) && isDigit(data[i]); i++ {
		}
	default:
		r.pos = i
		return nil, r.unexpected()
	}
	// Only a number with an exponent or with more integer digits than
	// float64's largest (309) can be too large for it.
	mayOverflow := i-intStart >= 309
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || !isDigit(data[i]) {
			r.pos = i
			return nil, r.fail("invalid number")
		}
		for ; i < len(data) && isDigit(data[i]); i++ {
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || !isDigit(data[i]) {
			r.pos = i
			return nil, r.fail("invalid number")
		}
		for ; i < len(data) && isDigit(data[i]); i++ {
		}
		mayOverflow = true
	}
	r.pos = i
	if mayOverflow {
		if f, _ := strconv.ParseFloat(string(data[start:i]), 64); math.IsInf(f, 0) {
			return nil, &numberError{text: string(data[start:i]), off: start}
		}
	}
	return data[start:i], nil
}

func (r *reader) literal(lit string) error {
	if len(r.data)-r.pos < len(lit) || string(r.data[r.pos:r.pos+len(lit)]) != lit {
		return r.fail("invalid literal")
	}
	r.pos += len(lit)
	return nil
}

// text returns the Go string of the string readString found at data[start:end].
// Unescaped strings are sliced from arena, a copy of data as a string, so they
// cost no allocation; without an arena they are copied.
func text(arena string, data []byte, start, end int, escaped bool) string {
	switch {
	case escaped:
		return unquote(data[start:end])
	case len(arena) == len(data):
		return arena[start:end]
	default:
		return string(data[start:end])
	}
}

// keyName returns a member name for comparison; only escaped names, which
// real clients never send, cost an allocation.
func keyName(key []byte, escaped bool) []byte {
	if escaped {
		return []byte(unquote(key))
	}
	return key
}

// unquote decodes the escapes of a string checked by readString. Lone
// surrogates become U+FFFD, as encoding/json does.
func unquote(s []byte) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		switch s[i+1] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r1, ok := hex4(s[i+2:])
			if !ok {
				b.WriteRune(utf8.RuneError)
				i += 2
				continue
			}
			i += 6
			if utf16.IsSurrogate(r1) {
				r2, ok := rune(0), false
				if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2, ok = hex4(s[i+2:])
				}
				if dec := utf16.DecodeRune(r1, r2); ok && dec != utf8.RuneError {
					r1 = dec
					i += 6
				} else {
					r1 = utf8.RuneError
				}
			}
			b.WriteRune(r1)
			continue
		default: // '"', '\\', '/'
			b.WriteByte(s[i+1])
		}
		i += 2
	}
	return b.String()
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// checkJSON reports whether data is exactly one valid JSON value.
func checkJSON(data []byte) error {
	r := reader{data: data}
	if err := r.skipValue(0); err != nil {
		return err
	}
	return r.end()
}
