package services

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// tcpListen is the TCP_LISTEN state in /proc/net/tcp.
const tcpListen = "0A"

// listeners returns the local address of every TCP socket process pid
// listens on, read from /proc (pid's fds and its network namespace's tables).
func listeners(pid int) ([]netip.AddrPort, error) {
	proc := filepath.Join("/proc", strconv.Itoa(pid))
	fds, err := os.ReadDir(filepath.Join(proc, "fd"))
	if err != nil {
		return nil, err
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join(proc, "fd", fd.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		if inode, ok := strings.CutPrefix(target, "socket:["); ok {
			inodes[strings.TrimSuffix(inode, "]")] = true
		}
	}
	var out []netip.AddrPort
	for _, table := range []string{"tcp", "tcp6"} {
		addrs, err := listening(filepath.Join(proc, "net", table), inodes)
		if err != nil {
			return nil, err
		}
		out = append(out, addrs...)
	}
	return out, nil
}

// listening parses a /proc/net/tcp{,6} table and returns the addresses of
// the listening sockets whose inode is in inodes.
func listening(path string, inodes map[string]bool) ([]netip.AddrPort, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil // no IPv6 on this host
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []netip.AddrPort
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
		fs := strings.Fields(sc.Text())
		if len(fs) < 10 || fs[3] != tcpListen || !inodes[fs[9]] {
			continue
		}
		ap, err := parseProcAddr(fs[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, ap)
	}
	return out, sc.Err()
}

// parseProcAddr parses "0100007F:1F90": the address as 32-bit words in host
// (little-endian) order, then the port in hex.
func parseProcAddr(s string) (netip.AddrPort, error) {
	hexIP, hexPort, ok := strings.Cut(s, ":")
	raw, err := hex.DecodeString(hexIP)
	if !ok || err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.AddrPort{}, fmt.Errorf("bad address %q", s)
	}
	for i := 0; i < len(raw); i += 4 {
		raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	port, err := strconv.ParseUint(hexPort, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("bad port in %q", s)
	}
	addr, _ := netip.AddrFromSlice(raw)
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), nil
}

// checkLoopback fails unless every socket p listens on is on loopback and
// one of them is the port it announced.
func checkLoopback(p *process) error {
	addrs, err := listeners(p.pid)
	if err != nil {
		return fmt.Errorf("%s: read its sockets: %w", p.name, err)
	}
	announced := false
	for _, a := range addrs {
		if !a.Addr().IsLoopback() {
			return fmt.Errorf("%s listens on %s, which is not loopback: refusing to run it", p.name, a)
		}
		announced = announced || int(a.Port()) == p.port
	}
	if !announced {
		return fmt.Errorf("%s announced port %d but does not listen on it (listening: %v)", p.name, p.port, addrs)
	}
	return nil
}
