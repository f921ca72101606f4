package clickhouse

import (
	"cmp"
	"encoding/binary"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark/report"
)

// copied is a hit of a message with the given hash.
type copied struct {
	hit  report.Hit
	hash int64
}

// pack packs hits as Hits.sql does with the layout l.
func pack(l hitLayout, hits ...copied) string {
	var b []byte
	for _, h := range hits {
		b = binary.LittleEndian.AppendUint64(b, uint64(h.hit.Time.UnixMicro()))
		b = binary.LittleEndian.AppendUint64(b, uint64(h.hit.Seq))
		b = binary.LittleEndian.AppendUint64(b, h.hit.Mask)
		b = binary.LittleEndian.AppendUint64(b, uint64(h.hash))
		if l.revenue {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(h.hit.Revenue))
		}
		if l.value {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(h.hit.Value)))
			b = append(b, h.hit.Value...)
		}
	}
	return string(b)
}

func TestUnpackKeepsFirstCopiesInTimeOrder(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	at := func(us int) time.Time { return t0.Add(time.Duration(us) * time.Microsecond) }
	packed := []copied{
		{report.Hit{Time: at(5), Seq: 40, Mask: 1, Value: "later copy", Revenue: 1}, 7},
		{report.Hit{Time: at(2), Seq: 30, Mask: 2, Value: "tie, stored second"}, 8},
		{report.Hit{Time: at(9), Seq: 10, Mask: 1, Value: "first copy, later time", Revenue: 9.5}, 7},
		{report.Hit{Time: at(2), Seq: 20, Mask: 4, Value: ""}, 9},
		{report.Hit{Time: at(1), Seq: 50, Mask: 8, Value: "é\x00"}, -3},
	}
	want := []report.Hit{packed[4].hit, packed[3].hit, packed[1].hit, packed[2].hit}
	for _, l := range []hitLayout{{}, {revenue: true}, {value: true}, {revenue: true, value: true}} {
		s := pack(l, packed...)
		got, err := l.unpack(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		hits := firstCopies(s, got, nil)
		if len(hits) != len(want) {
			t.Fatalf("%+v: %d hits, want %d: %v", l, len(hits), len(want), hits)
		}
		for i, h := range hits {
			w := want[i]
			if !l.revenue {
				w.Revenue = 0
			}
			if !l.value {
				w.Value = ""
			}
			if !h.Time.Equal(w.Time) || h.Seq != w.Seq || h.Mask != w.Mask || h.Value != w.Value || h.Revenue != w.Revenue {
				t.Errorf("%+v: hit %d = %+v, want %+v", l, i, h, w)
			}
		}
	}
}

// TestFirstCopiesMatchAModel checks firstCopies against the plainest
// statement of what it does, on random hits with many copies: few persons
// have this many, and more than 32 hits take another path.
func TestFirstCopiesMatchAModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for range 200 {
		var hits []copied
		for i, seq := range rng.Perm(1 + rng.IntN(80)) {
			hits = append(hits, copied{report.Hit{
				Time: t0.Add(time.Duration(rng.IntN(20)) * time.Microsecond), Seq: int64(seq), Mask: uint64(i),
			}, int64(rng.IntN(30))})
		}
		first := map[int64]report.Hit{} // the model: by hash, the lowest seq
		for _, h := range hits {
			if f, ok := first[h.hash]; !ok || h.hit.Seq < f.Seq {
				first[h.hash] = h.hit
			}
		}
		want := slices.SortedFunc(maps.Values(first), func(a, b report.Hit) int {
			return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Seq, b.Seq))
		})
		s := pack(hitLayout{}, hits...)
		packed, err := hitLayout{}.unpack(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := firstCopies(s, packed, nil)
		if !slices.EqualFunc(got, want, func(a, b report.Hit) bool { return a.Time.Equal(b.Time) && a.Seq == b.Seq && a.Mask == b.Mask }) {
			t.Fatalf("%d hits:\ngot  %v\nwant %v", len(hits), got, want)
		}
	}
}

func TestUnpackRefusesCutHits(t *testing.T) {
	l := hitLayout{revenue: true, value: true}
	s := pack(l, copied{report.Hit{Time: time.Unix(1, 0), Value: "abc"}, 1})
	for n := 1; n < len(s); n++ {
		if _, err := l.unpack(s[:n], nil); err == nil {
			t.Errorf("%d of %d bytes unpacked", n, len(s))
		}
	}
}
