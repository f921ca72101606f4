//go:build unix

package columnar

import (
	"os"
	"syscall"
	"unsafe"
)

func mapFile(f *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
}

func unmapFile(b []byte) error { return syscall.Munmap(b) }

// dropPages takes the whole pages of b, a part of a file mapping, out of
// the process: they stay in the page cache, and the next read maps them
// again with a minor fault.
func dropPages(b []byte) {
	page := uintptr(os.Getpagesize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo, hi := (start+page-1)&^(page-1), (start+uintptr(len(b)))&^(page-1)
	if len(b) == 0 || lo >= hi {
		return
	}
	syscall.Madvise(b[lo-start:hi-start], syscall.MADV_DONTNEED)
}
