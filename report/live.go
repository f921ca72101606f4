package report

import (
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
)

// LiveMark is how far a live stream has read: the highest seq it read,
// the recent messages it read, which an engine whose writes may become
// visible out of seq order reads again and leaves out then, and a floor:
// no event at or below it is passed on. The zero mark is the start.
type LiveMark struct {
	Seq, Floor int64
	// Recent maps the LiveHash of each message to its seq.
	Recent map[uint64]int64
}

// LiveHash is the hash by which a live mark holds a message id: short, so
// that a mark fits a stream's event id.
func LiveHash(messageID string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(messageID))
	return h.Sum64()
}

// Seen tells whether the mark leaves e out.
func (m LiveMark) Seen(e *StoredEvent) bool {
	if e.Seq <= m.Floor {
		return true
	}
	_, ok := m.Recent[LiveHash(e.Event.MessageID)]
	return ok
}

// After is the mark of a stream that read on from m, in storage order, and
// has just passed e on: a resume from it leaves out e and what m leaves
// out, and reads on from e. Events stored below e's seq that become
// visible later are left out too; the read that ends brings a mark that
// has them (see String).
func (m LiveMark) After(e *StoredEvent) LiveMark {
	next := LiveMark{Seq: max(m.Seq, e.Seq), Floor: max(m.Floor, e.Seq-1), Recent: map[uint64]int64{}}
	for h, seq := range m.Recent {
		if seq > next.Floor {
			next.Recent[h] = seq
		}
	}
	next.Recent[LiveHash(e.Event.MessageID)] = e.Seq
	return next
}

// maxLiveRecent is how many recent messages String keeps, so that an event
// id stays short however fast events arrive.
const maxLiveRecent = 32

// String is the mark as a live stream's event id, which a client sends back
// as Last-Event-ID: the seq, the floor, then the hashes of the newest
// recent messages with how far each is below the seq, in URL-safe base64.
// It keeps at most maxLiveRecent of them and raises the floor over those
// it drops, so that a resume may leave out an event that became visible
// late, but never passes one on twice.
func (m LiveMark) String() string {
	type message struct {
		hash uint64
		seq  int64
	}
	recent := make([]message, 0, len(m.Recent))
	for h, seq := range m.Recent {
		if seq > m.Floor {
			recent = append(recent, message{h, seq})
		}
	}
	slices.SortFunc(recent, func(a, b message) int {
		return cmp.Or(cmp.Compare(b.seq, a.seq), cmp.Compare(a.hash, b.hash)) // newest first
	})
	floor := m.Floor
	if len(recent) > maxLiveRecent {
		floor = recent[maxLiveRecent].seq
		recent = recent[:maxLiveRecent]
	}
	var b []byte
	for _, r := range recent {
		if r.seq <= floor {
			break
		}
		b = binary.BigEndian.AppendUint64(b, r.hash)
		b = binary.AppendUvarint(b, uint64(m.Seq-r.seq))
	}
	return fmt.Sprintf("%d.%d.%s", m.Seq, floor, base64.RawURLEncoding.EncodeToString(b))
}

// ParseLiveMark reads a mark that String wrote.
func ParseLiveMark(s string) (LiveMark, error) {
	bad := invalid("%q is not an event id of a live stream", s)
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return LiveMark{}, bad
	}
	seq, err1 := strconv.ParseInt(parts[0], 10, 64)
	floor, err2 := strconv.ParseInt(parts[1], 10, 64)
	b, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || floor > seq {
		return LiveMark{}, bad
	}
	m := LiveMark{Seq: seq, Floor: floor, Recent: map[uint64]int64{}}
	for len(b) > 0 {
		if len(b) < 9 || len(m.Recent) == maxLiveRecent {
			return LiveMark{}, bad
		}
		h := binary.BigEndian.Uint64(b)
		below, n := binary.Uvarint(b[8:])
		if n <= 0 || below >= uint64(seq)-uint64(floor) { // String writes those above the floor

			return LiveMark{}, bad
		}
		m.Recent[h] = seq - int64(below)
		b = b[8+n:]
	}
	return m, nil
}
