package runtimes_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/coldstartlab/coldstart/internal/local"
	"github.com/coldstartlab/coldstart/internal/services"
	"github.com/coldstartlab/coldstart/internal/template"
)

// The managed-runtime variants of uppercase and ddbwriter: Java 17 with and
// without an AppCDS archive, Node.js 20 and Python 3.11, each run by
// coldstart's own runtime client on this machine's interpreter. Their
// functions come from <lang>/template-snippet.yaml, as in template.yaml.

// managedLang is one language's directory and runtime.
type managedLang struct {
	Dir     string // java, node, python
	Runtime string // the runtime id its snippet uses
}

var managedLangs = []managedLang{
	{"java", "java17"},
	{"node", "nodejs20.x"},
	{"python", "python3.11"},
}

// managedVariant is one function of the snippets.
type managedVariant struct {
	Function string
	Lang     string
}

var (
	managedUppercase = []managedVariant{
		{"UppercaseJavaJit", "java"}, {"UppercaseJavaAppCds", "java"},
		{"UppercaseNode", "node"}, {"UppercasePython", "python"},
	}
	managedDdbWriter = []managedVariant{
		{"DdbWriterJavaJit", "java"}, {"DdbWriterJavaAppCds", "java"},
		{"DdbWriterNode", "node"}, {"DdbWriterPython", "python"},
	}
)

// managedJVMLog is what the tests add to the Java functions'
// JAVA_TOOL_OPTIONS: their JVMs log the CDS archive they open and every class
// they load, and where from. -Xlog writes to stdout, so into the function's
// log.
const managedJVMLog = "-Xlog:cds -Xlog:class+load"

// Every uppercase variant answers cold, then warm; the AppCDS variant's JVM
// loads its classes from the package's archive.
func TestManagedUppercase(t *testing.T) {
	s, logs := managedStart(t, false)
	for _, v := range managedUppercase {
		t.Run(v.Function, func(t *testing.T) {
			managedNeed(t, s, v)
			cold := invokeVariant(t, s, v.Function, `"hello"`)
			wantAnswer(t, cold, `"HELLO"`, true)
			warm := invokeVariant(t, s, v.Function, `"hello"`)
			wantAnswer(t, warm, `"HELLO"`, false)
			if warm.EnvironmentID != cold.EnvironmentID {
				t.Errorf("warm invoke ran in environment %s, not the cold one's (%s)", warm.EnvironmentID, cold.EnvironmentID)
			}
			logPackage(t, s, v.Function, cold)
			if v.Lang == "java" {
				managedCheckCDS(t, v.Function, logs.of(v.Function), "example.Uppercase")
			}
		})
	}
}

// Every ddbwriter variant writes its item into the local DynamoDB (dynalite,
// started by local.Start for the template's table) cold, then warm, and
// answers its id.
func TestManagedDdbWriter(t *testing.T) {
	if _, err := services.Find("."); err != nil {
		missing(t, err.Error())
	}
	s, logs := managedStart(t, true)
	db := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.Services.DynamoDB),
		Credentials:  credentials.NewStaticCredentialsProvider(services.FakeAccessKeyID, services.FakeSecretAccessKey, ""),
	})
	for _, v := range managedDdbWriter {
		t.Run(v.Function, func(t *testing.T) {
			managedNeed(t, s, v)
			event := fmt.Sprintf(`{"name":%q,"count":2,"id":"not this one"}`, v.Function)
			cold := invokeVariant(t, s, v.Function, event)
			coldID := wantID(t, cold, true)
			warm := invokeVariant(t, s, v.Function, event)
			warmID := wantID(t, warm, false)
			if coldID == warmID {
				t.Errorf("cold and warm invokes both answered id %s", coldID)
			}
			table := managedFunction(t, s, v.Function).Environment["TABLE_NAME"]
			for _, id := range []string{coldID, warmID} {
				managedCheckItem(t, db, table, id, v.Function)
			}
			logPackage(t, s, v.Function, cold)
			if v.Lang == "java" {
				managedCheckCDS(t, v.Function, logs.of(v.Function), "example.DdbWriter")
			}
		})
	}
	// A warm environment stays frozen between invokes while the server
	// closes its kept-alive connection (dynalite after 5 s idle, as Node.js
	// servers do): the next write must still succeed.
	t.Run("after idle", func(t *testing.T) {
		time.Sleep(6 * time.Second)
		for _, v := range managedDdbWriter {
			if _, ok := s.Packages[v.Function]; !ok {
				continue
			}
			res := invokeVariant(t, s, v.Function, `{"name":"after idle"}`)
			if res.FunctionError != "" || !uuid4.MatchString(strings.Trim(string(res.Payload), `"`)) || res.Cold {
				t.Errorf("%s after 6 s idle: cold %v, answer %s (error %q); log:\n%s", v.Function, res.Cold, res.Payload, res.FunctionError, res.Log)
			}
		}
	})
}

// Each language's SigV4 signs a DynamoDB request exactly as aws-sdk-go-v2's
// signer does, so the packages work against DynamoDB on AWS (dynalite does
// not check signatures).
func TestManagedSigV4(t *testing.T) {
	const body = `{"TableName":"items","Item":{"id":{"S":"é"}}}`
	headers := map[string]string{
		"content-type":         "application/x-amz-json-1.0",
		"host":                 "dynamodb.eu-west-1.amazonaws.com",
		"x-amz-date":           "20150830T123600Z",
		"x-amz-target":         "DynamoDB_20120810.PutItem",
		"x-amz-security-token": "session/token+1",
	}
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "session/token+1"}

	req, err := http.NewRequest(http.MethodPost, "https://"+headers["host"]+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("content-type", headers["content-type"])
	req.Header.Set("x-amz-target", headers["x-amz-target"]) // the signer adds host, the date and the token
	at := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "dynamodb", "eu-west-1", at); err != nil {
		t.Fatal(err)
	}
	want := req.Header.Get("Authorization")

	// Every signer gets: access key, secret key, region, service, date, path,
	// the body in hex (argv's encoding follows the locale), then the headers
	// as name=value.
	args := []string{creds.AccessKeyID, creds.SecretAccessKey, "eu-west-1", "dynamodb", headers["x-amz-date"], "/",
		hex.EncodeToString([]byte(body))}
	for k, v := range headers {
		args = append(args, k+"="+v)
	}
	for _, l := range managedLangs {
		t.Run(l.Dir, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			m, err := local.Managed(ctx, l.Runtime, os.TempDir(), nil)
			if err != nil {
				missing(t, err.Error())
			}
			interpreter := m.Command(128)[0]
			src, err := filepath.Abs(l.Dir)
			if err != nil {
				t.Fatal(err)
			}
			var cmd *exec.Cmd
			switch l.Dir {
			case "node":
				cmd = exec.CommandContext(ctx, interpreter, append([]string{"--input-type=module", "-e", `
import { authorization } from "` + src + `/sigv4.mjs";
const [accessKey, secretKey, region, service, amzDate, path, body, ...hs] = process.argv.slice(1);
const headers = Object.fromEntries(hs.map((h) => [h.slice(0, h.indexOf("=")), h.slice(h.indexOf("=") + 1)]));
console.log(authorization({ accessKey, secretKey, region, service, amzDate, path, headers, body: Buffer.from(body, "hex") }));`},
					args...)...)
			case "python":
				cmd = exec.CommandContext(ctx, interpreter, append([]string{"-B", "-c", `
import sys
sys.path.insert(0, "` + src + `")
from sigv4 import authorization
a = sys.argv[1:]
print(authorization(*a[:6], dict(h.split("=", 1) for h in a[7:]), bytes.fromhex(a[6])))`},
					args...)...)
			case "java":
				cmd = managedJavaSigner(ctx, t, interpreter, src, args)
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", cmd, err, out)
			}
			if got := strings.TrimSpace(string(out)); got != want {
				t.Errorf("Authorization\n got %s\nwant %s (aws-sdk-go-v2)", got, want)
			}
		})
	}
}

// managedJavaSigner compiles java/src's SigV4 with a main taking
// TestManagedSigV4's arguments.
func managedJavaSigner(ctx context.Context, t *testing.T, java, src string, args []string) *exec.Cmd {
	t.Helper()
	javac := filepath.Join(filepath.Dir(managedRealPath(java)), "javac")
	if _, err := os.Stat(javac); err != nil {
		missing(t, "no javac beside "+java)
	}
	dir := t.TempDir()
	main := filepath.Join(dir, "example", "SignMain.java")
	if err := os.MkdirAll(filepath.Dir(main), 0o755); err != nil {
		t.Fatal(err)
	}
	code := `package example;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
public class SignMain {
    public static void main(String[] a) {
        Map<String, String> headers = new HashMap<>();
        for (int i = 7; i < a.length; i++) {
            headers.put(a[i].substring(0, a[i].indexOf('=')), a[i].substring(a[i].indexOf('=') + 1));
        }
        System.out.println(SigV4.authorization(a[0], a[1], a[2], a[3], a[4], a[5], headers, HexFormat.of().parseHex(a[6])));
    }
}
`
	if err := os.WriteFile(main, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	classes := filepath.Join(dir, "classes")
	compile := exec.CommandContext(ctx, javac, "--release", "17", "-encoding", "UTF-8", "-d", classes,
		"-sourcepath", filepath.Join(src, "src")+string(os.PathListSeparator)+filepath.Join(src, "stubs"), main)
	if out, err := compile.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", compile, err, out)
	}
	return exec.CommandContext(ctx, java, append([]string{"-cp", classes, "example.SignMain"}, args...)...)
}

// managedRealPath resolves symbolic links (/usr/bin/java → the JDK's).
func managedRealPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// managedFunction returns the template's function name.
func managedFunction(t *testing.T, s *local.Server, name string) template.Function {
	t.Helper()
	fn, ok := s.Template.Function(name)
	if !ok {
		t.Fatalf("no function %s in the template", name)
	}
	return fn
}

// managedCheckItem reads item id back from table and checks it (checkItem).
func managedCheckItem(t *testing.T, db *dynamodb.Client, table, id, name string) {
	t.Helper()
	checkItem(t, id, getItem(t, db, table, id), name)
}

// managedNeed skips (fails under CI) a variant whose language could not be
// set up here.
func managedNeed(t *testing.T, s *local.Server, v managedVariant) {
	t.Helper()
	if _, ok := s.Packages[v.Function]; !ok {
		missing(t, fmt.Sprintf("%s: its language (%s) is not available here", v.Function, v.Lang))
	}
}

// managedStart starts the local platform on template.yaml with the
// uppercase variants (or, with withTable, the ddbwriter variants and their
// table) of every language available here.
func managedStart(t *testing.T, withTable bool) (*local.Server, *functionLogs) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	have := map[string]bool{}
	for _, l := range managedLangs {
		if why := managedUnavailable(ctx, l); why != "" {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s: %s (CI must have every dependency: scripts/setup.sh)", l.Dir, why)
			}
			t.Logf("leaving out %s: %s", l.Dir, why)
			continue
		}
		have[l.Dir] = true
	}
	variants := managedUppercase
	if withTable {
		variants = managedDdbWriter
	}
	var fns []string
	env := map[string]map[string]string{}
	parsed, err := template.Load("template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range variants {
		if !have[v.Lang] {
			continue
		}
		fns = append(fns, v.Function)
		for _, fn := range parsed.Functions {
			if fn.Name == v.Function && strings.HasPrefix(fn.Runtime, "java") {
				opts := strings.TrimSpace(fn.Environment["JAVA_TOOL_OPTIONS"] + " " + managedJVMLog)
				env[fn.Name] = map[string]string{"JAVA_TOOL_OPTIONS": opts}
			}
		}
	}
	if len(fns) == 0 {
		t.Skip("no managed runtime available here")
	}
	return startVariants(ctx, t, fns, env)
}

// managedUnavailable says why language l cannot run here, or "".
func managedUnavailable(ctx context.Context, l managedLang) string {
	m, err := local.Managed(ctx, l.Runtime, os.TempDir(), nil)
	if err != nil {
		return err.Error()
	}
	if l.Dir == "java" { // java/Makefile: make, and the JDK of the java that runs
		if _, err := exec.LookPath("make"); err != nil {
			return "the Java build (BuildMethod: makefile) needs make on PATH"
		}
		bin := filepath.Dir(managedRealPath(m.Command(128)[0]))
		for _, tool := range []string{"javac", "jar"} {
			if _, err := os.Stat(filepath.Join(bin, tool)); err != nil {
				return "the Java build needs a JDK: no " + tool + " in " + bin
			}
		}
	}
	return ""
}

// managedClassLoad is a -Xlog:class+load line: "[…][info][class,load] NAME source: SOURCE".
var managedClassLoad = regexp.MustCompile(`\[class,load\] (\S+) source: (.*)$`)

// managedCheckCDS checks, in a Java variant's log, where its handler class
// came from: an AppCDS variant's from its archive app.jsa ("shared objects
// file"), a JIT variant's from lib/app.jar. It logs the share of classes the
// environment loaded (init and the invokes so far) from a CDS archive.
func managedCheckCDS(t *testing.T, function string, lines []string, handler string) {
	t.Helper()
	appCDS := strings.Contains(function, "AppCds")
	var total, shared int
	handlerSource := ""
	opened := false
	for _, l := range lines {
		if strings.Contains(l, "[cds") && strings.Contains(l, "Opened archive app.jsa") {
			opened = true
		}
		m := managedClassLoad.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		total++
		if strings.HasPrefix(m[2], "shared objects file") {
			shared++
		}
		if m[1] == handler && handlerSource == "" {
			handlerSource = m[2]
		}
	}
	if total == 0 {
		t.Fatalf("no -Xlog:class+load lines in %s's log: is JAVA_TOOL_OPTIONS honoured?", function)
	}
	t.Logf("%s: %d of %d classes (%.0f%%) from a CDS archive; %s from %q", function, shared, total,
		100*float64(shared)/float64(total), handler, handlerSource)
	switch {
	case appCDS && !opened:
		t.Errorf("%s's JVM did not open app.jsa (no \"Opened archive app.jsa\" line)", function)
	case appCDS && !strings.HasPrefix(handlerSource, "shared objects file"):
		t.Errorf("%s: the handler class %s came from %q, not from the AppCDS archive", function, handler, handlerSource)
	case !appCDS && !strings.HasSuffix(handlerSource, "lib/app.jar"):
		t.Errorf("%s: the handler class %s came from %q, want lib/app.jar (no AppCDS archive)", function, handler, handlerSource)
	}
}
