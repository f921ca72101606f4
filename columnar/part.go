package columnar

import (
	"math"
	"slices"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// fields are the event columns a part keeps as dictionary codes: every
// column of report.Columns but type, which has a small column of its own.
var fields = func() []report.Field {
	var fs []report.Field
	for f := range report.Columns {
		if f != "type" {
			fs = append(fs, f)
		}
	}
	slices.Sort(fs)
	return fs
}()

var fieldIndex = func() map[report.Field]int {
	m := map[report.Field]int{}
	for i, f := range fields {
		m[f] = i
	}
	return m
}()

// types are the message types by their code in the type column.
var types = []waymark.MessageType{"", waymark.Track, waymark.Page, waymark.Screen, waymark.Identify, waymark.Group, waymark.Alias}

func typeCode(t waymark.MessageType) uint8 {
	if i := slices.Index(types, t); i > 0 {
		return uint8(i)
	}
	return 0
}

// The JSON objects whose top-level members a part keeps.
const (
	properties = iota
	traits
	objectCount
)

var objectNames = [objectCount]string{"properties", "traits"}

// part is rows of one project with their columns: a generation's, mapped from
// its files, or the memtable's, in memory. Row r of every column is the
// same event.
type part struct {
	time    []int64 // microseconds since the epoch, UTC
	seq     []int64 // storage order
	did     []uint32
	typ     []uint8
	codes   [][]uint32 // codes[f][r]: field f of row r, in dicts[f]
	dicts   []dict
	revenue []float64 // NaN when the event has no revenue
	objects [objectCount]members
	dids    dict // distinct ids
}

func (p *part) rows() int { return len(p.time) }

// members are the top-level members of one JSON object of every row, as
// report.Members reads them: row r's are pairs off[r] to off[r+1].
type members struct {
	off  []uint32
	key  []uint32 // in keys
	val  []uint32 // in vals; 0 ("") is a member that is not set
	keys dict
	vals dict
}

// lookup returns row r's value code of the member whose name has code key.
func (m *members) lookup(r int, key uint32) (uint32, bool) {
	for i := m.off[r]; i < m.off[r+1]; i++ {
		if m.key[i] == key {
			return m.val[i], true
		}
	}
	return 0, false
}

// noRevenue marks an event without revenue in the revenue column.
var noRevenue = math.NaN()
