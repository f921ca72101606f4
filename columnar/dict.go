package columnar

import (
	"fmt"
	"strings"
	"unsafe"
)

// A dict gives the strings behind a column's codes. Code 0 is "", the value
// of a field that is not set, in every dict; other codes are distinct
// strings in the order they were first seen. A dict of a generation may hold a
// string twice, under two codes (see dedupLimit): readers evaluate
// conditions per code and compare strings, never codes, across parts.
type dict interface {
	len() int
	at(code uint32) string
}

// frozenDict is a dict in a generation file: the count n, n+1 offsets, then
// the strings' bytes. Its strings point into the mapping: valid while the
// generation is open, so callers copy what they keep.
type frozenDict struct {
	offsets []uint32
	data    []byte
	file    mapped
}

func openDict(path string) (*frozenDict, error) {
	m, err := mapPath(path)
	if err != nil {
		return nil, err
	}
	words := asColumn[uint32](m.data)
	if len(words) < 2 || int(words[0])+2 > len(words) {
		m.close()
		return nil, fmt.Errorf("%s: %w", path, errCorrupt)
	}
	n := int(words[0])
	d := &frozenDict{offsets: words[1 : n+2], data: m.data[4*(n+2):], file: m}
	if int(d.offsets[n]) != len(d.data) {
		m.close()
		return nil, fmt.Errorf("%s: %w", path, errCorrupt)
	}
	return d, nil
}

func (d *frozenDict) len() int { return len(d.offsets) - 1 }

func (d *frozenDict) at(code uint32) string {
	lo, hi := d.offsets[code], d.offsets[code+1]
	if lo == hi {
		return ""
	}
	return unsafe.String(&d.data[lo], hi-lo)
}

// growingDict encodes strings as they come, in memory.
type growingDict struct {
	strs  []string
	index map[string]uint32
}

func newGrowingDict() *growingDict {
	return &growingDict{strs: []string{""}, index: map[string]uint32{"": 0}}
}

func (d *growingDict) len() int              { return len(d.strs) }
func (d *growingDict) at(code uint32) string { return d.strs[code] }

// code returns the code of s, adding it when new. Strings are copied, so
// that a dict never holds on to a caller's buffer.
func (d *growingDict) code(s string) uint32 {
	if c, ok := d.index[s]; ok {
		return c
	}
	c := uint32(len(d.strs))
	s = strings.Clone(s)
	d.strs = append(d.strs, s)
	d.index[s] = c
	return c
}

// writeDict writes the strings of a dict file.
func writeDict(path string, strs func(yield func(string) bool), n int) error {
	w, err := createFile(path)
	if err != nil {
		return err
	}
	put(w, uint32(n))
	var offset uint64
	for s := range strs {
		put(w, uint32(offset))
		offset += uint64(len(s))
	}
	if offset > 1<<32-1 {
		w.close()
		return fmt.Errorf("columnar: dictionary %s holds more than 4 GiB", path)
	}
	put(w, uint32(offset))
	for s := range strs {
		w.write(unsafe.Slice(unsafe.StringData(s), len(s)))
	}
	return w.close()
}

// frozen is the dict as it is now, for a reader: later codes stay out of
// sight, and the reader never touches the index that writers change.
func (d *growingDict) frozen() dict {
	n := len(d.strs)
	return stringsDict(d.strs[:n:n])
}

// stringsDict is a dict over strings in memory.
type stringsDict []string

func (d stringsDict) len() int              { return len(d) }
func (d stringsDict) at(code uint32) string { return d[code] }
