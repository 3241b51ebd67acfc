package codezip

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds are zips the mutator starts from; testdata/fuzz/FuzzExtract holds
// more (hand-written oddities kept as files).
func fuzzSeeds(tb testing.TB) [][]byte {
	return [][]byte{
		buildZip(tb, exe("bootstrap", "#!/bin/sh\n"), file("lib/a.txt", "aaaa"), dirent("d/")),
		buildZip(tb, file("n/p/cli.js", "x"), link("n/.bin/cli", "../p/cli.js"), link("self", ".")),
		buildZip(tb, link("a", "."), link("b", "a/..")),
		buildZip(tb, dirent("sub/"), link("l", "sub"), file("l/evil", "x")),
		buildZip(tb, file("../evil", "x"), file(`a\..\b`, "y")),
		buildZip(tb, file("a", "1"), file("a", "2"), file("a/b", "3")),
	}
}

// FuzzExtract feeds random bytes and mutated zips to Extract. It must never
// panic, never write outside the code directory, never leave a symlink that
// resolves outside it, and either succeed with a true Info or reject with an
// *Error and an empty directory.
func FuzzExtract(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parent, dir := taskDir(t)
		info, err := ExtractWith(data, dir, Options{MaxUnzipped: 1 << 20, MaxEntries: 1000})
		checkContained(t, parent, dir)
		if err != nil {
			if asError(err) == nil {
				t.Fatalf("not a rejection: %v", err)
			}
			checkEmptyDir(t, dir)
			return
		}
		var files, links int
		var size int64
		err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch {
			case d.Type().IsRegular():
				fi, err := d.Info()
				if err != nil {
					return err
				}
				files++
				size += fi.Size()
			case d.Type()&fs.ModeSymlink != 0:
				links++
			case !d.IsDir():
				t.Errorf("unexpected file type %v at %s", d.Type(), p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if files != info.Files || links != info.Symlinks || size != info.Unzipped || info.CodeSize != int64(len(data)) {
			t.Errorf("Info %+v, but found %d files, %d links, %d bytes", info, files, links, size)
		}
		if info.Unzipped > 1<<20 {
			t.Errorf("unzipped %d bytes past the limit", info.Unzipped)
		}
		_ = os.RemoveAll(dir)
	})
}
