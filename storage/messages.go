package storage

import (
	"slices"

	"github.com/cespare/xxhash/v2"

	"github.com/waymark-analytics/waymark"
)

// MessageHash is the 64-bit hash of a (project, messageId) pair that engines
// store next to each event, so duplicates are found without comparing
// strings.
func MessageHash(projectID, messageID string) int64 {
	var d xxhash.Digest
	d.Reset()
	d.WriteString(projectID)
	d.Write([]byte{0})
	d.WriteString(messageID)
	return int64(d.Sum64())
}

// MessageSet remembers the hash of every stored (project, messageId) so a
// writer finds duplicates with a lookup instead of a table scan. A hash
// hit is only a candidate, confirmed against the table, so a collision can
// never drop an event. It is not safe for concurrent use.
//
// The hashes are a sorted slice, 8 bytes each, with a map of those added
// since it was last sorted: a map of every hash would take five times the
// memory, 400 MB for ten million events.
type MessageSet struct {
	sorted []int64
	added  map[int64]struct{}
}

// NewMessageSet returns a set holding hashes, which it takes over.
func NewMessageSet(hashes []int64) *MessageSet {
	slices.Sort(hashes)
	return &MessageSet{sorted: slices.Clip(slices.Compact(hashes)), added: map[int64]struct{}{}}
}

// Has reports whether h may be stored.
func (m *MessageSet) Has(h int64) bool {
	if _, ok := m.added[h]; ok {
		return true
	}
	_, ok := slices.BinarySearch(m.sorted, h)
	return ok
}

// Add records h as stored.
func (m *MessageSet) Add(h int64) { m.added[h] = struct{}{} }

// Remove forgets h, after the write that added it failed.
func (m *MessageSet) Remove(h int64) { delete(m.added, h) }

// fold moves the added hashes into the sorted slice once they are many.
func (m *MessageSet) fold() {
	if len(m.added) < 1024 || len(m.added) < len(m.sorted)/8 {
		return
	}
	keys := make([]int64, 0, len(m.added))
	for h := range m.added {
		keys = append(keys, h)
	}
	slices.Sort(keys)
	merged := make([]int64, 0, len(m.sorted)+len(keys))
	i, j := 0, 0
	for i < len(m.sorted) || j < len(keys) {
		if j == len(keys) || (i < len(m.sorted) && m.sorted[i] <= keys[j]) {
			merged = append(merged, m.sorted[i])
			i++
		} else {
			merged = append(merged, keys[j])
			j++
		}
	}
	m.sorted, m.added = slices.Compact(merged), map[int64]struct{}{}
}

// Message identifies a stored message.
type Message struct{ ProjectID, MessageID string }

// Duplicates marks the events already stored or repeated earlier in events;
// hashes[i] is MessageHash of events[i]. stored is asked only about hash
// hits and returns which of the messages with those hashes are stored, so
// the common case costs no query at all.
func (m *MessageSet) Duplicates(events []waymark.Event, hashes []int64, stored func(hashes []int64) (map[Message]bool, error)) ([]bool, error) {
	m.fold() // before this write adds any hash it may have to remove
	duplicate := make([]bool, len(events))
	inBatch := make(map[int64][]int, len(events))
	var candidates []int
	for i, h := range hashes {
		if m.Has(h) {
			candidates = append(candidates, i)
		}
		for _, j := range inBatch[h] {
			if events[j].ProjectID == events[i].ProjectID && events[j].MessageID == events[i].MessageID {
				duplicate[i] = true
				break
			}
		}
		inBatch[h] = append(inBatch[h], i)
	}
	if len(candidates) == 0 {
		return duplicate, nil
	}
	candidateHashes := make([]int64, len(candidates))
	for k, i := range candidates {
		candidateHashes[k] = hashes[i]
	}
	found, err := stored(candidateHashes)
	if err != nil {
		return nil, err
	}
	for _, i := range candidates {
		if found[Message{events[i].ProjectID, events[i].MessageID}] {
			duplicate[i] = true
		}
	}
	return duplicate, nil
}
