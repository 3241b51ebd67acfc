package runtimes_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/coldstartlab/coldstart/internal/local"
	"github.com/coldstartlab/coldstart/internal/platform"
	"github.com/coldstartlab/coldstart/internal/services"
)

// The C# variants of uppercase and ddbwriter on Mono (mono/): JIT, AOT with
// JIT fallback, and full AOT, as template.yaml declares them. Each test runs Mono with
// its loader and JIT made verbose (monoTrace), so that it can tell from the
// log which code was precompiled and which was JIT-compiled.

// monoMode is how a variant runs its code.
type monoMode int

const (
	monoJIT     monoMode = iota // everything JIT-compiled, the system's BCL
	monoAOT                     // the package's AOT images, JIT for what they lack
	monoFullAOT                 // the package's AOT images only, never the JIT
)

func monoModeOf(function string) monoMode {
	switch {
	case strings.HasSuffix(function, "FullAot"):
		return monoFullAOT
	case strings.HasSuffix(function, "Aot"):
		return monoAOT
	default:
		return monoJIT
	}
}

var (
	monoUppercase = []string{"UppercaseMonoJit", "UppercaseMonoAot", "UppercaseMonoFullAot"}
	monoDdbWriter = []string{"DdbWriterMonoJit", "DdbWriterMonoAot", "DdbWriterMonoFullAot"}
)

// monoTrace makes Mono log where each assembly and AOT image comes from
// (MONO_LOG_MASK asm, aot) and every method it JIT-compiles (-v: "Method …
// emitted at …").
var monoTrace = map[string]string{
	"MONO_LOG_LEVEL":   "debug",
	"MONO_LOG_MASK":    "asm,aot",
	"MONO_ENV_OPTIONS": "-v",
}

// Every uppercase variant answers cold, then warm, and reports a bad event
// as an error of its exception's type; each runs the code it claims to.
func TestMonoUppercase(t *testing.T) {
	monoNeed(t)
	s, logs := monoStart(t, monoUppercase, nil)
	for _, fn := range monoUppercase {
		t.Run(fn, func(t *testing.T) {
			cold := invokeVariant(t, s, fn, `"hello"`)
			wantAnswer(t, cold, `"HELLO"`, true)
			warm := invokeVariant(t, s, fn, `"hello"`)
			wantAnswer(t, warm, `"HELLO"`, false)
			if warm.EnvironmentID != cold.EnvironmentID {
				t.Errorf("warm invoke ran in environment %s, not the cold one's (%s)", warm.EnvironmentID, cold.EnvironmentID)
			}
			bad := invokeVariant(t, s, fn, `{"not":"a string"}`)
			monoWantError(t, bad, "FormatException")
			logPackage(t, s, fn, cold)
			monoCheckCode(t, s, fn, logs.of(fn))
		})
	}
}

// Every ddbwriter variant signs its PutItem exactly as the AWS SDK's SigV4
// signer would, with the session token, and sends the item's JSON; a
// DynamoDB error comes back as a function error named by its __type.
func TestMonoDdbWriterSigV4(t *testing.T) {
	monoNeed(t)
	creds := aws.Credentials{AccessKeyID: "AKIDMONOTEST", SecretAccessKey: "mono/secret+key", SessionToken: "mono-session-token"}
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", creds.SessionToken)
	stub := newMonoDynamo(t, creds, "us-east-1")
	s, logs := monoStart(t, monoDdbWriter, map[string]string{
		"TABLE_NAME": "items", "AWS_ENDPOINT_URL_DYNAMODB": stub.URL,
	})
	for _, fn := range monoDdbWriter {
		t.Run(fn, func(t *testing.T) {
			var ids []string
			for _, cold := range []bool{true, false} {
				res := invokeVariant(t, s, fn, fmt.Sprintf(`{"name":%q,"count":2,"id":"not this one","createdAt":"nor this"}`, fn))
				id := wantID(t, res, cold)
				item, ok := stub.item(id)
				if !ok {
					t.Fatalf("answered id %s, but DynamoDB got no PutItem with that id", id)
				}
				checkItem(t, id, item, fn)
				ids = append(ids, id)
			}
			if ids[0] == ids[1] {
				t.Errorf("cold and warm invokes both answered id %s", ids[0])
			}
			res := invokeVariant(t, s, fn, `{"name":"missing-table"}`)
			monoWantError(t, res, "ResourceNotFoundException")
			if !strings.Contains(string(res.Payload), "Requested resource not found") {
				t.Errorf("error %s does not carry DynamoDB's message", res.Payload)
			}
			monoCheckCode(t, s, fn, logs.of(fn))
		})
	}
	if errs := stub.errors(); len(errs) > 0 {
		t.Errorf("requests DynamoDB would have refused:\n%s", strings.Join(errs, "\n"))
	}
}

// Every ddbwriter variant writes its item into the local DynamoDB (dynalite,
// started by local.Start for the template's table), cold then warm.
func TestMonoDdbWriter(t *testing.T) {
	monoNeed(t)
	if _, err := services.Find("."); err != nil {
		missing(t, err.Error())
	}
	s, _ := monoStart(t, monoDdbWriter, nil)
	db := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.Services.DynamoDB),
		Credentials:  credentials.NewStaticCredentialsProvider(services.FakeAccessKeyID, services.FakeSecretAccessKey, ""),
	})
	for _, fn := range monoDdbWriter {
		t.Run(fn, func(t *testing.T) {
			cfg, ok := s.Platform.Function(fn)
			if !ok {
				t.Fatalf("no function %s", fn)
			}
			table := cfg.Environment["TABLE_NAME"]
			for _, cold := range []bool{true, false} {
				res := invokeVariant(t, s, fn, fmt.Sprintf(`{"name":%q,"count":2}`, fn))
				id := wantID(t, res, cold)
				checkItem(t, id, getItem(t, db, table, id), fn)
				if cold {
					logPackage(t, s, fn, res)
				}
			}
		})
	}
}

// monoNeed skips the test (fails it under CI) when Mono, its C# compiler or
// the tools its AOT compiler runs are missing.
func monoNeed(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"mono", "mcs", "make", "as", "ld"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing(t, fmt.Sprintf("the Mono variants need %s on PATH (Debian: mono-runtime, mono-mcs, make, binutils)", tool))
		}
	}
}

// monoStart starts the local platform on template.yaml with functions fns,
// every one traced (monoTrace) and given the variables extra. The first
// build of the AOT variants takes a minute: `mono --aot` compiles the BCL
// into each package.
func monoStart(t *testing.T, fns []string, extra map[string]string) (*local.Server, *functionLogs) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	env := map[string]map[string]string{}
	for _, fn := range fns {
		vars := maps.Clone(monoTrace)
		maps.Copy(vars, extra)
		env[fn] = vars
	}
	return startVariants(ctx, t, fns, env)
}

// monoWantError checks that an invoke failed with the runtime's error
// document {"errorMessage", "errorType"} of errorType.
func monoWantError(t *testing.T, res *platform.Result, errorType string) {
	t.Helper()
	var doc struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if res.FunctionError != platform.FunctionErrorUnhandled || json.Unmarshal(res.Payload, &doc) != nil ||
		doc.ErrorType != errorType || doc.ErrorMessage == "" {
		t.Fatalf("answer %s (error %q), want an Unhandled error of type %s; log:\n%s", res.Payload, res.FunctionError, errorType, res.Log)
	}
}

// Lines of Mono's traces (monoTrace).
var (
	monoLoaded   = regexp.MustCompile(`Assembly Loader loaded assembly from location: '([^']+)'`)
	monoImage    = regexp.MustCompile(`AOT: image '([^']+)' found`)
	monoJITLine  = regexp.MustCompile(`^Method .* emitted at `)
	monoFoundAOT = regexp.MustCompile(`AOT: FOUND method `)
)

// monoCheckCode checks, in a variant's traced log, where its code came from.
// A JIT variant's package has no AOT image: its own methods are
// JIT-compiled, the BCL comes from the system (Debian's mono-runtime
// precompiles mscorlib into /usr/lib/mono/aot-cache when it is installed, as
// .NET ships its BCL ReadyToRun-compiled). An AOT variant loads every assembly
// from its package, each with the package's AOT image, and JIT-compiles none
// of its own methods; a full AOT variant JIT-compiles nothing at all. It logs
// how many methods were JIT-compiled and how many came precompiled.
func monoCheckCode(t *testing.T, s *local.Server, function string, lines []string) {
	t.Helper()
	pkg, err := filepath.EvalSymlinks(s.Packages[function].Dir)
	if err != nil {
		t.Fatal(err)
	}
	inPkg := func(p string) bool {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return strings.HasPrefix(p, pkg+string(filepath.Separator))
	}
	var assemblies, outside, images []string
	jitted, own, precompiled := 0, 0, 0
	for _, l := range lines {
		if m := monoLoaded.FindStringSubmatch(l); m != nil {
			assemblies = append(assemblies, m[1])
			if !inPkg(m[1]) {
				outside = append(outside, m[1])
			}
		}
		if m := monoImage.FindStringSubmatch(l); m != nil && inPkg(m[1]) {
			images = append(images, m[1])
		}
		if monoJITLine.MatchString(l) {
			jitted++
			if strings.Contains(l, " ColdStart.") {
				own++
			}
		}
		if monoFoundAOT.MatchString(l) {
			precompiled++
		}
	}
	if len(assemblies) == 0 {
		t.Fatalf("no \"loaded assembly\" lines in %s's log: is MONO_LOG_MASK honoured?", function)
	}
	t.Logf("%s: %d assemblies loaded (%d from outside the package), %d AOT images from the package; "+
		"%d methods JIT-compiled (%d of them the function's own), %d found precompiled",
		function, len(assemblies), len(outside), len(images), jitted, own, precompiled)
	if monoModeOf(function) == monoJIT {
		if len(images) > 0 {
			t.Errorf("%s (JIT) used AOT images from its package: %v", function, images)
		}
		if own == 0 {
			t.Errorf("%s (JIT) JIT-compiled none of its own methods: is MONO_ENV_OPTIONS=-v honoured?", function)
		}
		return
	}
	if len(outside) > 0 {
		t.Errorf("%s loaded assemblies from outside its package: %v", function, outside)
	}
	have := map[string]bool{}
	for _, img := range images {
		have[img] = true
	}
	for _, a := range assemblies {
		if !have[a+".so"] {
			t.Errorf("%s loaded %s without its AOT image", function, a)
		}
	}
	if own > 0 {
		t.Errorf("%s JIT-compiled %d of its own methods", function, own)
	}
	if monoModeOf(function) == monoFullAOT && jitted > 0 {
		t.Errorf("%s (full AOT) JIT-compiled %d methods", function, jitted)
	}
}

// monoDynamo is a DynamoDB stand-in that checks each request's SigV4
// signature against the AWS SDK's own signer and keeps the items PutItem
// wrote. An item whose name is "missing-table" is answered with
// ResourceNotFoundException.
type monoDynamo struct {
	*httptest.Server
	creds  aws.Credentials
	region string
	mu     sync.Mutex
	items  map[string]map[string]types.AttributeValue
	errs   []string
}

func newMonoDynamo(t *testing.T, creds aws.Credentials, region string) *monoDynamo {
	d := &monoDynamo{creds: creds, region: region, items: map[string]map[string]types.AttributeValue{}}
	d.Server = httptest.NewServer(http.HandlerFunc(d.serve))
	t.Cleanup(d.Close)
	return d
}

func (d *monoDynamo) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := d.verify(r, body); err != nil {
		d.mu.Lock()
		d.errs = append(d.errs, err.Error())
		d.mu.Unlock()
		monoDynamoError(w, http.StatusForbidden, "InvalidSignatureException", err.Error())
		return
	}
	if r.Header.Get("X-Amz-Target") != "DynamoDB_20120810.PutItem" || r.Header.Get("Content-Type") != "application/x-amz-json-1.0" {
		monoDynamoError(w, http.StatusBadRequest, "UnknownOperationException", "")
		return
	}
	var in struct {
		TableName string
		Item      map[string]map[string]string
	}
	if err := json.Unmarshal(body, &in); err != nil || in.TableName != "items" || in.Item["id"]["S"] == "" {
		monoDynamoError(w, http.StatusBadRequest, "ValidationException", fmt.Sprintf("bad PutItem %s", body))
		return
	}
	if in.Item["name"]["S"] == "missing-table" {
		monoDynamoError(w, http.StatusBadRequest, "ResourceNotFoundException", "Requested resource not found")
		return
	}
	item := map[string]types.AttributeValue{}
	for k, v := range in.Item {
		if s, ok := v["S"]; ok && len(v) == 1 {
			item[k] = &types.AttributeValueMemberS{Value: s}
		} else {
			item[k] = &types.AttributeValueMemberNULL{Value: true} // not a string: fails the item check
		}
	}
	d.mu.Lock()
	d.items[in.Item["id"]["S"]] = item
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_, _ = io.WriteString(w, "{}")
}

// verify re-signs the request's signed headers and body with the SDK's
// signer at the request's own X-Amz-Date and compares the Authorization.
func (d *monoDynamo) verify(r *http.Request, body []byte) error {
	got := r.Header.Get("Authorization")
	m := regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/dynamodb/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$`).FindStringSubmatch(got)
	if m == nil {
		return fmt.Errorf("malformed Authorization %q", got)
	}
	if m[1] != d.creds.AccessKeyID || m[3] != d.region {
		return fmt.Errorf("credential scope %s/%s, want %s/%s", m[1], m[3], d.creds.AccessKeyID, d.region)
	}
	signed := strings.Split(m[4], ";")
	for _, h := range []string{"host", "x-amz-date", "x-amz-security-token", "x-amz-target"} {
		if !strings.Contains(";"+m[4]+";", ";"+h+";") {
			return fmt.Errorf("%s is not signed (SignedHeaders=%s)", h, m[4])
		}
	}
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return fmt.Errorf("X-Amz-Date: %w", err)
	}
	if at.Format("20060102") != m[2] {
		return fmt.Errorf("credential date %s is not X-Amz-Date's day %s", m[2], r.Header.Get("X-Amz-Date"))
	}
	if r.Header.Get("X-Amz-Security-Token") != d.creds.SessionToken {
		return fmt.Errorf("X-Amz-Security-Token %q, want the session token", r.Header.Get("X-Amz-Security-Token"))
	}
	// The same request with only the signed headers: the SDK signs what it is given.
	re, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
	if err != nil {
		return err
	}
	re.Host = r.Host
	for _, h := range signed {
		switch h {
		case "host":
		case "content-length":
			re.ContentLength = r.ContentLength
		default:
			re.Header.Set(h, r.Header.Get(h))
		}
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), d.creds, re, hex.EncodeToString(sum[:]), "dynamodb", d.region, at); err != nil {
		return err
	}
	if want := re.Header.Get("Authorization"); got != want {
		return fmt.Errorf("Authorization\n  %s\nwant (the SDK's signer)\n  %s", got, want)
	}
	return nil
}

func monoDynamoError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(status)
	data, _ := json.Marshal(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": message})
	_, _ = w.Write(data)
}

func (d *monoDynamo) item(id string) (map[string]types.AttributeValue, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	it, ok := d.items[id]
	return it, ok
}

func (d *monoDynamo) errors() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.errs...)
}
