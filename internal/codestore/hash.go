package codestore

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// DirInfo describes a code directory the way Lambda describes a package.
type DirInfo struct {
	SHA256 string // base64 SHA-256 over every regular file's path and bytes
	Size   int64  // bytes in regular files
	Files  int    // regular files
}

// HashDir identifies a directory's contents the way CodeSha256 identifies a
// package on Lambda. Code that did not come as a zip (a template's build
// output, a local directory) has no zip to hash, so the files are hashed.
func HashDir(dir string) (DirInfo, error) {
	var files []string
	var info DirInfo
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return DirInfo{}, err
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		fmt.Fprintf(h, "%s\x00", rel)
		fh, err := os.Open(f)
		if err != nil {
			return DirInfo{}, err
		}
		n, err := io.Copy(h, fh)
		fh.Close()
		if err != nil {
			return DirInfo{}, err
		}
		info.Size += n
		info.Files++
	}
	info.SHA256 = base64.StdEncoding.EncodeToString(h.Sum(nil))
	return info, nil
}
