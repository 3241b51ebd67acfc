package sandbox

import (
	"bytes"
	"errors"
	"strconv"
	"sync"
	"syscall"
)

// ctlFile is a cgroup or procfs file kept open for the environment's life.
// These files produce their contents afresh on every read at offset 0, so one
// open serves every reading: a pread costs a few microseconds where
// os.ReadFile's open, fstat, read and close cost tens (the path walk through
// cgroupfs or procfs is most of it). Freeze, Thaw and PeakMemory run between
// every two invokes of an environment.
//
// A ctlFile is not safe for concurrent use with its close: its owner
// serialises them (each box under its mutex). The zero value has no file:
// using it fails, closing it does nothing.
type ctlFile struct {
	path string
	flag int
	fd   int
	open bool // fd is ours; false until first used, and after close
}

func newCtlFile(path string, flag int) ctlFile { return ctlFile{path: path, flag: flag} }

func (f *ctlFile) ensureOpen() error {
	if f.open {
		return nil
	}
	if f.path == "" {
		return errors.New("no control file")
	}
	fd, err := syscall.Open(f.path, f.flag|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	f.fd, f.open = fd, true
	return nil
}

// write writes b at offset 0, opening the file on first use.
func (f *ctlFile) write(b []byte) error {
	if err := f.ensureOpen(); err != nil {
		return err
	}
	for {
		_, err := syscall.Pwrite(f.fd, b, 0)
		if err != syscall.EINTR {
			return err
		}
	}
}

// read reads the whole file into a buffer from the pool, opening the file
// on first use. The caller puts the buffer back with putBuf.
func (f *ctlFile) read() (*[]byte, []byte, error) {
	if err := f.ensureOpen(); err != nil {
		return nil, nil, err
	}
	return preadAll(f.fd)
}

// readUint reads a file holding one decimal number.
func (f *ctlFile) readUint() (uint64, error) {
	buf, b, err := f.read()
	if err != nil {
		return 0, err
	}
	defer putBuf(buf)
	return strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
}

func (f *ctlFile) close() {
	if f.open {
		_ = syscall.Close(f.fd)
		f.fd, f.open = -1, false
	}
}

// bufs holds read buffers: a /proc/<pid>/status is about 1.5 kB, cgroup.procs
// a few bytes per process.
var bufs = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

func putBuf(b *[]byte) { bufs.Put(b) }

// preadAll reads fd from offset 0 to its end. seq_file-backed files (all of
// cgroupfs and procfs) fill the caller's buffer as far as they can, so a
// short read is the end; a full one is retried with a larger buffer.
func preadAll(fd int) (*[]byte, []byte, error) {
	buf := bufs.Get().(*[]byte)
	for {
		n, err := syscall.Pread(fd, *buf, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			putBuf(buf)
			return nil, nil, err
		}
		if n < len(*buf) {
			return buf, (*buf)[:n], nil
		}
		if len(*buf) >= 1<<20 {
			putBuf(buf)
			return nil, nil, errors.New("control file larger than 1 MB")
		}
		*buf = make([]byte, 2*len(*buf))
	}
}

// hwmReader sums VmHWM over the processes of a cgroup, keeping cgroup.procs
// and each process's /proc/<pid>/status open between readings. An open
// status file stays bound to its process, so a reused pid cannot be misread:
// reading the file of a process that has exited fails, and it is dropped.
type hwmReader struct {
	procs  ctlFile
	status map[int]int // pid → open /proc/<pid>/status
	seen   map[int]bool
}

func newHWMReader(cgroupDir string) hwmReader {
	return hwmReader{procs: newCtlFile(cgroupDir+"/cgroup.procs", syscall.O_RDONLY)}
}

// sum is the tree's summed VmHWM in bytes (0 when it cannot be read).
func (h *hwmReader) sum() uint64 {
	buf, b, err := h.procs.read()
	if err != nil {
		return 0
	}
	defer putBuf(buf)
	if h.status == nil {
		h.status, h.seen = map[int]int{}, map[int]bool{}
	}
	clear(h.seen)
	var total uint64
	for len(b) > 0 {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte{'\n'})
		pid, err := strconv.Atoi(string(line))
		if err != nil || pid <= 0 {
			continue
		}
		h.seen[pid] = true
		total += h.hwm(pid)
	}
	for pid, fd := range h.status {
		if !h.seen[pid] {
			_ = syscall.Close(fd)
			delete(h.status, pid)
		}
	}
	return total
}

func (h *hwmReader) hwm(pid int) uint64 {
	fd, ok := h.status[pid]
	if !ok {
		var err error
		fd, err = syscall.Open("/proc/"+strconv.Itoa(pid)+"/status", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			return 0
		}
		h.status[pid] = fd
	}
	buf, b, err := preadAll(fd)
	if err != nil { // gone (ESRCH): forget it
		_ = syscall.Close(fd)
		delete(h.status, pid)
		delete(h.seen, pid)
		return 0
	}
	defer putBuf(buf)
	return parseVmHWM(b)
}

func (h *hwmReader) close() {
	h.procs.close()
	for pid, fd := range h.status {
		_ = syscall.Close(fd)
		delete(h.status, pid)
	}
}

// parseVmHWM finds the VmHWM line of a /proc/<pid>/status ("VmHWM:  12345 kB")
// and returns it in bytes; 0 for a kernel thread or a zombie, which have none.
func parseVmHWM(status []byte) uint64 {
	i := bytes.Index(status, []byte("\nVmHWM:"))
	if i < 0 {
		return 0
	}
	line := status[i+len("\nVmHWM:"):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	line = bytes.TrimSuffix(bytes.TrimSpace(line), []byte(" kB"))
	kb, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 10, 64)
	if err != nil {
		return 0
	}
	return kb << 10
}
