package clickhouse

import (
	"cmp"
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/waymark-analytics/waymark/report"
)

// packedHit is one copy of a message as Hits.sql packs it, without
// pointers, so that sorting moves no pointers the garbage collector would
// have to see.
type packedHit struct {
	time, seq       int64
	mask            uint64
	hash            int64 // the message's hash: copies share it
	revenue         float64
	value, valueEnd int // the breakdown value, as offsets in the packed string
}

// hitLayout is what Hits.sql packs of each hit after its time, seq, mask
// and message hash.
type hitLayout struct{ revenue, value bool }

var errPacked = errors.New("hits packed in an unknown layout")

// unpack appends the hits packed in s to hits.
func (l hitLayout) unpack(s string, hits []packedHit) ([]packedHit, error) {
	u64 := func(at int) uint64 { return binary.LittleEndian.Uint64([]byte(s[at : at+8])) }
	for at := 0; at < len(s); {
		if len(s)-at < 32 {
			return nil, errPacked
		}
		h := packedHit{time: int64(u64(at)), seq: int64(u64(at + 8)), mask: u64(at + 16), hash: int64(u64(at + 24))}
		at += 32
		if l.revenue {
			if len(s)-at < 8 {
				return nil, errPacked
			}
			h.revenue = math.Float64frombits(u64(at))
			at += 8
		}
		if l.value {
			if len(s)-at < 4 {
				return nil, errPacked
			}
			n := int(binary.LittleEndian.Uint32([]byte(s[at : at+4])))
			if len(s)-at-4 < n {
				return nil, errPacked
			}
			h.value, h.valueEnd = at+4, at+4+n
			at += 4 + n
		}
		hits = append(hits, h)
	}
	return hits, nil
}

// firstCopies appends to hits the first copy, the lowest seq, of each
// message in packed, sorted by time and seq; s is the string packed was
// unpacked from. packed is reordered.
func firstCopies(s string, packed []packedHit, hits []report.Hit) []report.Hit {
	packed = dropLaterCopies(packed)
	// Mostly sorted already: ClickHouse reads a distinct id's events in time
	// order, and most persons have one.
	slices.SortFunc(packed, func(a, b packedHit) int {
		return cmp.Or(cmp.Compare(a.time, b.time), cmp.Compare(a.seq, b.seq))
	})
	for _, h := range packed {
		hits = append(hits, report.Hit{Time: fromMicros(h.time), Seq: h.seq, Mask: h.mask, Value: s[h.value:h.valueEnd], Revenue: h.revenue})
	}
	return hits
}

// dropLaterCopies removes from packed every copy of a message but the one
// with the lowest seq, and keeps the order of the rest. Copies are rare, and
// most persons have a few hits: for those, comparing every pair costs less
// than sorting.
func dropLaterCopies(packed []packedHit) []packedHit {
	var drop []bool // made at the first copy
	later := func(i, j int) {
		if drop == nil {
			drop = make([]bool, len(packed))
		}
		if packed[j].seq < packed[i].seq {
			i, j = j, i
		}
		drop[j] = true
	}
	if len(packed) <= 32 {
		for i := range packed {
			for j := i + 1; j < len(packed); j++ {
				if packed[i].hash == packed[j].hash {
					later(i, j)
				}
			}
		}
	} else {
		byHash := make([]int, len(packed)) // indexes, by hash
		for i := range byHash {
			byHash[i] = i
		}
		slices.SortFunc(byHash, func(a, b int) int { return cmp.Compare(packed[a].hash, packed[b].hash) })
		for k := 1; k < len(byHash); k++ {
			if i, j := byHash[k-1], byHash[k]; packed[i].hash == packed[j].hash {
				later(i, j)
				if drop[j] {
					byHash[k] = i // the lowest seq so far meets the next copy
				}
			}
		}
	}
	if drop == nil {
		return packed
	}
	kept := packed[:0]
	for i, h := range packed {
		if !drop[i] {
			kept = append(kept, h)
		}
	}
	return kept
}
