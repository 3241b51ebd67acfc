package services

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// EnvDir names a directory that holds the services' node_modules (normally
// tools/services of a coldstart checkout); it overrides the search.
const EnvDir = "COLDSTART_SERVICES_DIR"

// SetupCommand installs the services; errors name it.
const SetupCommand = "scripts/setup-services.sh"

// relDir is where a coldstart checkout keeps the services' package.json.
var relDir = filepath.Join("tools", "services")

// Minimum Node.js version: fauxqs needs node:sqlite (22.5).
const minNodeMajor, minNodeMinor = 22, 5

// Install is an installation of the services: Node.js 22 and the emulators,
// all npm packages under Dir/node_modules.
type Install struct {
	Dir             string // the directory holding node_modules
	Node            string // the node binary (npm package node)
	NodeVersion     string
	Dynalite        string // package directory
	DynaliteVersion string
	Fauxqs          string // package directory
	FauxqsVersion   string
}

// Find locates the installation: $COLDSTART_SERVICES_DIR when set, else the
// first tools/services with a node_modules found in or above each of hints
// (typically the template's directory), the working directory, and the
// executable's directory. The error says how to install the services.
func Find(hints ...string) (Install, error) {
	if dir := os.Getenv(EnvDir); dir != "" {
		in, err := inspect(dir)
		if err != nil {
			return Install{}, fmt.Errorf("%s=%s: %w (%s installs the services into tools/services)", EnvDir, dir, err, SetupCommand)
		}
		return in, nil
	}
	starts := append([]string(nil), hints...)
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	var looked []string
	var broken error
	seen := map[string]bool{}
	for _, start := range starts {
		abs, err := filepath.Abs(start)
		if err != nil {
			continue
		}
		for d := abs; ; d = filepath.Dir(d) {
			cand := filepath.Join(d, relDir)
			if !seen[cand] {
				seen[cand] = true
				if _, err := os.Stat(filepath.Join(cand, "package.json")); err == nil {
					looked = append(looked, cand)
					in, err := inspect(cand)
					if err == nil {
						return in, nil
					}
					if broken == nil {
						broken = fmt.Errorf("%s: %w", cand, err)
					}
				}
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if broken != nil {
		return Install{}, fmt.Errorf("local AWS services are not installed properly: %w; run %s", broken, SetupCommand)
	}
	return Install{}, fmt.Errorf("local AWS services (dynalite, fauxqs, Node.js 22) are not installed: run %s in the coldstart checkout, "+
		"or set %s to a directory whose node_modules holds them (no %s found above %s)",
		SetupCommand, EnvDir, relDir, strings.Join(starts, ", "))
}

// inspect checks that dir/node_modules holds all three packages.
func inspect(dir string) (Install, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Install{}, err
	}
	mods := filepath.Join(abs, "node_modules")
	in := Install{
		Dir:      abs,
		Node:     filepath.Join(mods, "node", "bin", "node"),
		Dynalite: filepath.Join(mods, "dynalite"),
		Fauxqs:   filepath.Join(mods, "fauxqs"),
	}
	var errs []error
	if in.NodeVersion, err = version(filepath.Join(mods, "node")); err != nil {
		errs = append(errs, err)
	} else if err := checkNode(in.NodeVersion); err != nil {
		errs = append(errs, err)
	} else if info, err := os.Stat(in.Node); err != nil || info.Mode()&0o111 == 0 {
		errs = append(errs, fmt.Errorf("%s is missing or not executable (the npm package node installs it)", in.Node))
	}
	if in.DynaliteVersion, err = version(in.Dynalite); err != nil {
		errs = append(errs, err)
	}
	if in.FauxqsVersion, err = version(in.Fauxqs); err != nil {
		errs = append(errs, err)
	} else {
		// The launcher imports these two modules.
		for _, f := range []string{"app.js", "sqs/sqsStore.js"} {
			if _, err := os.Stat(filepath.Join(in.Fauxqs, "dist", f)); err != nil {
				errs = append(errs, fmt.Errorf("fauxqs %s has no dist/%s", in.FauxqsVersion, f))
			}
		}
	}
	if len(errs) > 0 {
		return Install{}, errors.Join(errs...)
	}
	return in, nil
}

// version reads an npm package's version from its package.json.
func version(pkgDir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err != nil {
		return "", fmt.Errorf("npm package %s is not installed", filepath.Base(pkgDir))
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(data, &pkg); err != nil || pkg.Version == "" {
		return "", fmt.Errorf("%s: no version in package.json", pkgDir)
	}
	return pkg.Version, nil
}

// checkNode requires Node.js 22.5 or newer.
func checkNode(v string) error {
	parts := strings.SplitN(v, ".", 3)
	major, _ := strconv.Atoi(parts[0])
	minor := 0
	if len(parts) > 1 {
		minor, _ = strconv.Atoi(parts[1])
	}
	if major < minNodeMajor || (major == minNodeMajor && minor < minNodeMinor) {
		return fmt.Errorf("npm package node is %s; fauxqs needs %d.%d or newer", v, minNodeMajor, minNodeMinor)
	}
	return nil
}
