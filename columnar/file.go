package columnar

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"unsafe"
)

// A column file holds one fixed-width value a row, little-endian, which is
// how the machine's memory holds it: a mapping of the file is the column.
// Files are written whole and never changed; a generation's files are mapped
// read-only for as long as a report may read them.

func init() {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		panic("columnar: column files are little-endian; this machine is not")
	}
}

// fixed is the value types column files hold.
type fixed interface {
	~int64 | ~uint32 | ~uint8 | ~float64
}

// asColumn reads b as a column of T.
func asColumn[T fixed](b []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/size)
}

// bytesOf is the memory of a column, for writing it.
func bytesOf[T fixed](values []T) []byte {
	if len(values) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(&values[0])), len(values)*int(unsafe.Sizeof(zero)))
}

// fileWriter writes one column file; close makes it durable.
type fileWriter struct {
	f   *os.File
	buf *bufio.Writer
	err error
}

func createFile(path string) (*fileWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	return &fileWriter{f: f, buf: bufio.NewWriterSize(f, 1<<16)}, nil
}

func (w *fileWriter) write(b []byte) {
	if w.err == nil {
		_, w.err = w.buf.Write(b)
	}
}

func (w *fileWriter) close() error {
	if w.err == nil {
		w.err = w.buf.Flush()
	}
	if w.err == nil {
		w.err = w.f.Sync()
	}
	if err := w.f.Close(); w.err == nil {
		w.err = err
	}
	if w.err != nil {
		return fmt.Errorf("write %s: %w", w.f.Name(), w.err)
	}
	return nil
}

// put appends values to a column file.
func put[T fixed](w *fileWriter, values ...T) { w.write(bytesOf(values)) }

// mapped is a read-only mapping of a file.
type mapped struct{ data []byte }

func mapPath(path string) (mapped, error) {
	f, err := os.Open(path)
	if err != nil {
		return mapped{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return mapped{}, err
	}
	if info.Size() == 0 {
		return mapped{}, nil
	}
	data, err := mapFile(f, int(info.Size()))
	if err != nil {
		return mapped{}, fmt.Errorf("map %s: %w", path, err)
	}
	return mapped{data: data}, nil
}

func (m mapped) close() error {
	if m.data == nil {
		return nil
	}
	return unmapFile(m.data)
}

var errCorrupt = errors.New("columnar: generation file is damaged")
