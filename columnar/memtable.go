package columnar

import (
	"github.com/waymark-analytics/waymark/report"
)

// memtable holds a project's events stored after its generation was built, in
// storage order, until a merge writes them into the next generation. It only
// grows; readers see the rows and dict entries that existed when they took
// their snapshot, which appends after that never change.
type memtable struct {
	part
	dicts   []*growingDict
	dids    *growingDict
	objects [objectCount]struct{ keys, vals *growingDict }
	// basePerson[d] is the person that distinct id d has in the generation the
	// memtable sits on, or -1 when the generation does not have it.
	basePerson []int32
}

func newMemtable(base *generation) *memtable {
	m := &memtable{dids: newGrowingDict()}
	m.part.codes = make([][]uint32, len(fields))
	for range fields {
		d := newGrowingDict()
		m.dicts = append(m.dicts, d)
		m.part.dicts = append(m.part.dicts, d)
	}
	m.part.dids = m.dids
	for o := range m.objects {
		m.objects[o].keys, m.objects[o].vals = newGrowingDict(), newGrowingDict()
		m.part.objects[o] = members{off: []uint32{0}, keys: m.objects[o].keys, vals: m.objects[o].vals}
	}
	m.basePerson = []int32{base.personOfDistinct("")}
	return m
}

// add appends a committed event; base is the generation the memtable sits on.
func (m *memtable) add(base *generation, c *Committed) {
	e := c.Event
	revenue := noRevenue
	if e.Revenue != nil {
		revenue = e.Revenue.Amount
	}
	m.appendRow(base, c.Seq, e.Timestamp.UnixMicro(), e.DistinctID(), typeCode(e.Type), revenue)
	for i, f := range fields {
		m.codes[i] = append(m.codes[i], m.dicts[i].code(report.Columns[f](e)))
	}
	for o, members := range [objectCount][2][]string{{c.PropertiesNames, c.PropertiesTexts}, {c.TraitsNames, c.TraitsTexts}} {
		for i := range members[0] {
			m.appendMember(o, members[0][i], members[1][i])
		}
		m.endMembers(o)
	}
}

// addRow appends row r of another part, such as the memtable a merge
// replaced.
func (m *memtable) addRow(base *generation, from *part, r int) {
	m.appendRow(base, from.seq[r], from.time[r], from.dids.at(from.did[r]), from.typ[r], from.revenue[r])
	for i := range fields {
		m.codes[i] = append(m.codes[i], m.dicts[i].code(from.dicts[i].at(from.codes[i][r])))
	}
	for o := range from.objects {
		ms := &from.objects[o]
		for k := ms.off[r]; k < ms.off[r+1]; k++ {
			m.appendMember(o, ms.keys.at(ms.key[k]), ms.vals.at(ms.val[k]))
		}
		m.endMembers(o)
	}
}

func (m *memtable) appendRow(base *generation, seq, time int64, distinctID string, typ uint8, revenue float64) {
	m.time = append(m.time, time)
	m.seq = append(m.seq, seq)
	did := m.dids.code(distinctID)
	if int(did) == len(m.basePerson) {
		m.basePerson = append(m.basePerson, base.personOfDistinct(distinctID))
	}
	m.did = append(m.did, did)
	m.typ = append(m.typ, typ)
	m.revenue = append(m.revenue, revenue)
}

func (m *memtable) appendMember(object int, name, text string) {
	ms := &m.part.objects[object]
	ms.key = append(ms.key, m.objects[object].keys.code(name))
	ms.val = append(ms.val, m.objects[object].vals.code(text))
}

func (m *memtable) endMembers(object int) {
	ms := &m.part.objects[object]
	ms.off = append(ms.off, uint32(len(ms.key)))
}

// snapshot is the memtable as it is now, for a reader: slices cut to the
// current rows, so that later appends stay out of sight.
func (m *memtable) snapshot() *part {
	p := m.part
	n := len(p.time)
	p.time, p.seq, p.did, p.typ, p.revenue = p.time[:n:n], p.seq[:n:n], p.did[:n:n], p.typ[:n:n], p.revenue[:n:n]
	p.codes = make([][]uint32, len(fields))
	p.dicts = make([]dict, len(fields))
	for i := range fields {
		p.codes[i] = m.codes[i][:n:n]
		p.dicts[i] = m.dicts[i].frozen()
	}
	p.dids = m.dids.frozen()
	for o := range p.objects {
		ms := p.objects[o]
		k := len(ms.key)
		p.objects[o] = members{off: ms.off[: n+1 : n+1], key: ms.key[:k:k], val: ms.val[:k:k],
			keys: m.objects[o].keys.frozen(), vals: m.objects[o].vals.frozen()}
	}
	return &p
}
