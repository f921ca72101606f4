//go:build !unix

package columnar

import (
	"io"
	"os"
)

// Without mmap, a column is read into memory whole.
func mapFile(f *os.File, size int) ([]byte, error) {
	b := make([]byte, size)
	_, err := io.ReadFull(f, b)
	return b, err
}

func unmapFile([]byte) error { return nil }

// dropPages has nothing to drop: the columns are in memory.
func dropPages([]byte) {}
