package codestore

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSaveLoadDelete(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := st.NewCodeDir("fn")
	code, _ := st.NewCodeDir("fn")
	if err := os.WriteFile(filepath.Join(code, "bootstrap"), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	n := int64(3)
	if err := st.Save(Record{Name: "fn", Runtime: "provided.al2023", MemoryMB: 256, CodeDir: code, Reserved: &n}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the replaced code directory is still there: %v", err)
	}
	if err := st.Save(Record{Name: "local", LocalDir: "/somewhere/else"}); err != nil {
		t.Fatal(err)
	}
	// An upload that never completed (no record) is cleaned up on Load.
	if _, err := st.NewCodeDir("halfway"); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(Record{Name: "bad", CodeDir: "/tmp/not-the-store"}); err == nil {
		t.Error("a code directory outside the store was accepted")
	}

	again, _ := Open(dir)
	recs, err := again.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Name != "fn" || recs[0].CodeDir != code || *recs[0].Reserved != 3 ||
		recs[1].Name != "local" || recs[1].LocalDir != "/somewhere/else" || recs[1].CodeDir != "" {
		t.Fatalf("loaded %+v", recs)
	}
	if _, err := os.Stat(filepath.Join(dir, "functions", "halfway")); !os.IsNotExist(err) {
		t.Error("an incomplete function was not cleaned up")
	}
	if err := again.Delete("fn"); err != nil {
		t.Fatal(err)
	}
	if recs, _ := again.Load(); len(recs) != 1 {
		t.Errorf("after Delete: %+v", recs)
	}
	if err := again.Close(); err != nil || !again.Persistent() {
		t.Fatal("a persistent store was not kept")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
}

func TestTemporaryStoreIsRemoved(t *testing.T) {
	st, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.NewCodeDir("fn"); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Dir()); !os.IsNotExist(err) {
		t.Errorf("temporary store still exists: %v", err)
	}
}

func TestHashDir(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		_ = os.MkdirAll(filepath.Join(d, "lib"), 0o755)
		_ = os.WriteFile(filepath.Join(d, "lib", "x"), []byte("hello"), 0o644)
		_ = os.WriteFile(filepath.Join(d, "bootstrap"), []byte("#!/bin/sh"), 0o755)
	}
	ha, _ := HashDir(a)
	hb, _ := HashDir(b)
	if ha != hb || ha.Files != 2 || ha.Size != 14 {
		t.Fatalf("same contents: %+v vs %+v", ha, hb)
	}
	_ = os.WriteFile(filepath.Join(b, "lib", "x"), []byte("hellO"), 0o644)
	if hb, _ = HashDir(b); hb.SHA256 == ha.SHA256 {
		t.Error("a changed file kept the hash")
	}
}
