package clickhouse

import (
	"cmp"
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/waymark-analytics/waymark/report"
)

// packedHit is one copy of a message as Hits.sql packs it.
type packedHit struct {
	hit  report.Hit
	hash int64 // the message's hash: copies share it
}

// hitLayout is what Hits.sql packs of each hit after its time, seq, mask
// and message hash.
type hitLayout struct{ revenue, value bool }

var errPacked = errors.New("hits packed in an unknown layout")

// unpack appends the hits packed in s to hits.
func (l hitLayout) unpack(s string, hits []packedHit) ([]packedHit, error) {
	for len(s) > 0 {
		if len(s) < 32 {
			return nil, errPacked
		}
		b := []byte(s[:32])
		h := packedHit{hash: int64(binary.LittleEndian.Uint64(b[24:]))}
		h.hit.Time = fromMicros(int64(binary.LittleEndian.Uint64(b)))
		h.hit.Seq = int64(binary.LittleEndian.Uint64(b[8:]))
		h.hit.Mask = binary.LittleEndian.Uint64(b[16:])
		s = s[32:]
		if l.revenue {
			if len(s) < 8 {
				return nil, errPacked
			}
			h.hit.Revenue = math.Float64frombits(binary.LittleEndian.Uint64([]byte(s[:8])))
			s = s[8:]
		}
		if l.value {
			if len(s) < 4 {
				return nil, errPacked
			}
			n := int(binary.LittleEndian.Uint32([]byte(s[:4])))
			if len(s) < 4+n {
				return nil, errPacked
			}
			h.hit.Value = s[4 : 4+n]
			s = s[4+n:]
		}
		hits = append(hits, h)
	}
	return hits, nil
}

// firstCopies appends to hits the first copy, the lowest seq, of each
// message in packed, sorted by time and seq. packed is reordered.
func firstCopies(packed []packedHit, hits []report.Hit) []report.Hit {
	slices.SortFunc(packed, func(a, b packedHit) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.hit.Seq, b.hit.Seq))
	})
	for i := range packed {
		if i == 0 || packed[i].hash != packed[i-1].hash {
			hits = append(hits, packed[i].hit)
		}
	}
	slices.SortFunc(hits, func(a, b report.Hit) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Seq, b.Seq))
	})
	return hits
}
