package bench

import (
	"path/filepath"
	"testing"

	"github.com/coldstartlab/coldstart/internal/template"
)

// Every scenario shipped in examples/ validates, and each of its variants
// names a function of its template.
func TestExampleScenarios(t *testing.T) {
	files, err := filepath.Glob("../../examples/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../../examples/*/*.yaml")
	for _, f := range append(files, more...) {
		if filepath.Base(f) == "template.yaml" || filepath.Base(filepath.Dir(f)) == "runtimes" {
			continue // templates, not scenarios
		}
		t.Run(filepath.ToSlash(f[len("../../"):]), func(t *testing.T) {
			sc, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := template.Load(sc.Template)
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			for _, fn := range tpl.Functions {
				have[fn.Name] = true
			}
			for _, v := range sc.Variants {
				if !have[v.Function] {
					t.Errorf("variant %s: no function %s in %s", v.Name, v.Function, sc.Template)
				}
			}
		})
	}
}
