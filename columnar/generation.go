package columnar

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// format is the version of the generation layout; a generation of another
// version is rebuilt from the store.
const format = 1

// generationMeta is a generation's meta.json.
type generationMeta struct {
	Format  int    `json:"format"`
	Project string `json:"project"`
	// MaxSeq: the generation holds every event of the project stored with a
	// seq up to MaxSeq, and no other; -1 for none.
	MaxSeq  int64 `json:"maxSeq"`
	Rows    int   `json:"rows"`
	Persons int   `json:"persons"`
}

// generation is a project's events up to a point in storage order, as column
// files sorted by person, then time, then storage order. It never changes;
// merges write the next one.
type generation struct {
	part
	meta generationMeta
	dir  string // "" for the empty generation of a new project

	// Rows of person p are personStart[p] to personStart[p+1]; persons are
	// sorted by id.
	personStart []uint32
	persons     []string     // in memory: ids escape into report answers
	didPerson   []uint32     // the person of each distinct id
	didOrder    []uint32     // distinct id codes sorted by the ids
	files       []mapped     // what close unmaps
	readers     sync.RWMutex // held by readers; retire waits for them
}

func emptyGeneration(project string) *generation {
	s := &generation{meta: generationMeta{Format: format, Project: project, MaxSeq: -1}, personStart: []uint32{0}}
	s.part.codes = make([][]uint32, len(fields))
	s.part.dicts = make([]dict, len(fields))
	for i := range fields {
		s.part.dicts[i] = stringsDict{""}
	}
	s.part.dids = stringsDict{""}
	for o := range s.objects {
		s.objects[o] = members{off: []uint32{0}, keys: stringsDict{""}, vals: stringsDict{""}}
	}
	return s
}

// Generation file names.
func fieldFile(f int) string            { return "f_" + string(fields[f]) }
func objectFile(o int, n string) string { return "o_" + objectNames[o] + "." + n }

func openGeneration(dir string) (_ *generation, err error) {
	s := &generation{dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &s.meta); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, errCorrupt)
	}
	if s.meta.Format != format {
		return nil, fmt.Errorf("%s: generation format %d, not %d", dir, s.meta.Format, format)
	}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	column := func(name string) ([]byte, error) {
		m, err := mapPath(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		s.files = append(s.files, m)
		return m.data, nil
	}
	openD := func(name string) (dict, error) {
		d, err := openDict(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		s.files = append(s.files, d.file)
		return d, nil
	}
	var errs []error
	u32 := func(name string) []uint32 {
		b, err := column(name)
		errs = append(errs, err)
		return asColumn[uint32](b)
	}
	dictOf := func(name string) dict {
		d, err := openD(name)
		errs = append(errs, err)
		return d
	}
	timeB, err1 := column("time.i64")
	seqB, err2 := column("seq.i64")
	typB, err3 := column("type.u8")
	revB, err4 := column("revenue.f64")
	errs = append(errs, err1, err2, err3, err4)
	s.time, s.seq, s.typ, s.revenue = asColumn[int64](timeB), asColumn[int64](seqB), asColumn[uint8](typB), asColumn[float64](revB)
	s.did = u32("did.u32")
	s.dids = dictOf("dids.dict")
	s.didPerson = u32("did_person.u32")
	s.didOrder = u32("did_order.u32")
	s.personStart = u32("person_start.u32")
	personDict := dictOf("persons.dict")
	s.codes = make([][]uint32, len(fields))
	s.dicts = make([]dict, len(fields))
	for f := range fields {
		s.codes[f] = u32(fieldFile(f) + ".u32")
		s.dicts[f] = dictOf(fieldFile(f) + ".dict")
	}
	for o := range s.objects {
		s.objects[o] = members{off: u32(objectFile(o, "off.u32")), key: u32(objectFile(o, "key.u32")), val: u32(objectFile(o, "val.u32")),
			keys: dictOf(objectFile(o, "keys.dict")), vals: dictOf(objectFile(o, "vals.dict"))}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	n := s.meta.Rows
	if len(s.time) != n || len(s.seq) != n || len(s.typ) != n || len(s.revenue) != n || len(s.did) != n ||
		len(s.personStart) != s.meta.Persons+1 || int(s.personStart[s.meta.Persons]) != n ||
		personDict.len() != s.meta.Persons || len(s.didPerson) != s.dids.len() || len(s.didOrder) != s.dids.len() {
		return nil, fmt.Errorf("%s: %w", dir, errCorrupt)
	}
	for f := range fields {
		if len(s.codes[f]) != n {
			return nil, fmt.Errorf("%s: %w", dir, errCorrupt)
		}
	}
	for o := range s.objects {
		if len(s.objects[o].off) != n+1 || len(s.objects[o].key) != int(s.objects[o].off[n]) || len(s.objects[o].val) != len(s.objects[o].key) {
			return nil, fmt.Errorf("%s: %w", dir, errCorrupt)
		}
	}
	s.persons = make([]string, personDict.len())
	for p := range s.persons {
		s.persons[p] = strings.Clone(personDict.at(uint32(p)))
	}
	return s, nil
}

// close unmaps the generation's files.
func (s *generation) close() {
	for _, m := range s.files {
		m.close()
	}
	s.files = nil
}

// distinctCode returns the code of a distinct id, if the generation has it.
func (s *generation) distinctCode(id string) (uint32, bool) {
	i := sort.Search(len(s.didOrder), func(i int) bool { return s.dids.at(s.didOrder[i]) >= id })
	if i < len(s.didOrder) && s.dids.at(s.didOrder[i]) == id {
		return s.didOrder[i], true
	}
	return 0, false
}

// personOfDistinct returns the person a distinct id had when the generation
// was built, or -1 when the generation does not have it.
func (s *generation) personOfDistinct(id string) int32 {
	if c, ok := s.distinctCode(id); ok && id != "" {
		return int32(s.didPerson[c])
	}
	return -1
}

// personIndex returns the index of the person with the id, if any.
func (s *generation) personIndex(id string) (int, bool) {
	i, ok := sort.Find(len(s.persons), func(i int) int { return strings.Compare(id, s.persons[i]) })
	return i, ok
}
