package runtimes_test

import (
	"archive/zip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// javaRuntime is the runtime the Java tests run on; the client is the same
// for java11 to java25.
const javaRuntime = "java17"

// javaSources are the test handlers, compiled together against the installed
// client's copy of aws-lambda-java-core. Package libpkg goes into lib/x.jar.
var javaSources = map[string]string{
	"example/Upper.java": `package example;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.LinkedHashMap;
import java.util.Map;

public class Upper {
    public String handle(String in, Context ctx) {
        return in.toUpperCase();
    }

    public static Map<String, Object> map(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>(in);
        out.put("n", (Integer) in.get("n") + 1);
        out.put("type", in.get("list").getClass().getName());
        return out;
    }
}
`,
	"example/Person.java": `package example;

import java.util.List;

public class Person {
    private String name;
    private int age;
    private List<Person> friends;
    public String city;

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public int getAge() { return age; }
    public void setAge(int age) { this.age = age; }
    public List<Person> getFriends() { return friends; }
    public void setFriends(List<Person> friends) { this.friends = friends; }
}
`,
	"example/Greeter.java": `package example;

import com.amazonaws.services.lambda.runtime.Context;

public class Greeter {
    public static class Greeting {
        private final String text;
        public Integer friends;
        public String unset;
        Greeting(String text) { this.text = text; }
        public String getText() { return text; }
    }

    public Greeting greet(Person p, Context ctx) {
        Greeting g = new Greeting("Hello " + p.getName() + " (" + (p.getAge() + 1) + ") from " + p.city);
        g.friends = p.getFriends() == null ? 0 : p.getFriends().size();
        if (g.friends > 0 && !(p.getFriends().get(0) instanceof Person)) {
            throw new IllegalStateException("friends are not Persons");
        }
        return g;
    }
}
`,
	"example/Base.java": `package example;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.List;

public abstract class Base<T extends Number> implements RequestHandler<List<T>, Long> {
}
`,
	"example/Sum.java": `package example;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.List;

// Sum names its types only through Base<Long>: the runtime must resolve
// RequestHandler<List<T>, Long> to List<Long>.
public class Sum extends Base<Long> {
    @Override
    public Long handleRequest(List<Long> in, Context ctx) {
        long s = 0;
        for (Long v : in) {
            s += v;
        }
        return s;
    }
}
`,
	"example/Echo.java": `package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

public class Echo implements RequestStreamHandler {
    private int calls;

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context ctx) throws IOException {
        calls++;
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        out.write(("{\"calls\":" + calls + ",\"echo\":" + body + "}").getBytes(StandardCharsets.UTF_8));
    }
}
`,
	"example/Boom.java": `package example;

public class Boom {
    public static String handle(String in) {
        if (in.equals("ok")) {
            return "fine";
        }
        throw new RuntimeException("boom", new IllegalStateException("inner"));
    }
}
`,
	"example/BadInit.java": `package example;

public class BadInit {
    static {
        if (Boolean.TRUE) {
            throw new IllegalStateException("static boom");
        }
    }

    public String handle(String in) {
        return in;
    }
}
`,
	"example/BadCtor.java": `package example;

public class BadCtor {
    public BadCtor() {
        throw new IllegalStateException("constructor boom");
    }

    public String handle(String in) {
        return in;
    }
}
`,
	"example/Ctx.java": `package example;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.LinkedHashMap;
import java.util.Map;

public class Ctx {
    public Map<String, Object> handle(Map<String, Object> in, Context ctx) throws InterruptedException {
        int first = ctx.getRemainingTimeInMillis();
        Thread.sleep(50);
        int second = ctx.getRemainingTimeInMillis();
        ctx.getLogger().log("hello from LambdaLogger");
        System.out.println("hello from System.out");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("first", first);
        out.put("second", second);
        out.put("requestId", ctx.getAwsRequestId());
        out.put("functionName", ctx.getFunctionName());
        out.put("functionVersion", ctx.getFunctionVersion());
        out.put("memory", ctx.getMemoryLimitInMB());
        out.put("arn", ctx.getInvokedFunctionArn());
        out.put("logGroup", ctx.getLogGroupName());
        out.put("logStream", ctx.getLogStreamName());
        out.put("trace", System.getProperty("com.amazonaws.xray.traceHeader"));
        out.put("loader", Thread.currentThread().getContextClassLoader() == getClass().getClassLoader());
        out.put("core", Context.class.getClassLoader() == ClassLoader.getSystemClassLoader());
        if (ctx.getClientContext() != null) {
            out.put("appTitle", ctx.getClientContext().getClient().getAppTitle());
            out.put("custom", ctx.getClientContext().getCustom());
        }
        if (ctx.getIdentity() != null) {
            out.put("identityId", ctx.getIdentity().getIdentityId());
        }
        return out;
    }
}
`,
	"libpkg/FromJar.java": `package libpkg;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

public class FromJar implements RequestHandler<String, String> {
    public String handleRequest(String in, Context ctx) {
        return "from jar: " + in;
    }
}
`,
}

// javaCompile compiles javaSources with the javac beside the runtime's java
// and returns the code directory: example/ at its top, libpkg in lib/x.jar,
// and a copy of the Context interface in lib/aws-lambda-java-core.jar, as a
// function that bundles aws-lambda-java-core has (the runtime's must win).
func javaCompile(t *testing.T) string {
	t.Helper()
	const context = "com/amazonaws/services/lambda/runtime/Context.java"
	core, err := os.ReadFile(filepath.Join("java", filepath.FromSlash(context)))
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{context: string(core)}
	for name, text := range javaSources {
		sources[name] = text
	}
	src := writeCode(t, sources)
	dir := t.TempDir()
	l := prepare(t, javaRuntime, dir)
	javac := "javac"
	if real, err := filepath.EvalSymlinks(l.Interpreter.Path); err == nil {
		if c := filepath.Join(filepath.Dir(real), "javac"); javaFileExists(c) {
			javac = c
		}
	}
	var files []string
	for name := range sources {
		files = append(files, filepath.Join(src, filepath.FromSlash(name)))
	}
	sort.Strings(files)
	args := append([]string{"--release", "11", "-nowarn", "-encoding", "UTF-8",
		"-cp", filepath.Join(l.Dir, "classes"), "-d", dir}, files...)
	if out, err := exec.Command(javac, args...).CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	javaJar(t, filepath.Join(dir, "libpkg"), "libpkg", filepath.Join(dir, "lib", "x.jar"))
	const pkg = "com/amazonaws/services/lambda/runtime"
	javaJar(t, filepath.Join(dir, filepath.FromSlash(pkg)), pkg, filepath.Join(dir, "lib", "aws-lambda-java-core.jar"))
	if err := os.RemoveAll(filepath.Join(dir, "com")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func javaFileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// javaJar moves the files of dir into a new jar at jar, under prefix.
func javaJar(t *testing.T, dir, prefix, jar string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(jar), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(jar)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(prefix + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
}

func TestJava(t *testing.T) {
	dir := javaCompile(t)
	fn := func(name, handler string) function {
		return function{Name: name, Runtime: javaRuntime, Handler: handler, Dir: dir}
	}
	b := startRuntime(t,
		fn("upper", "example.Upper::handle"),
		fn("map", "example.Upper::map"),
		fn("bean", "example.Greeter::greet"),
		fn("sum", "example.Sum"),
		fn("stream", "example.Echo"),
		fn("jar", "libpkg.FromJar"),
		fn("boom", "example.Boom::handle"),
		fn("ctx", "example.Ctx::handle"),
		fn("noclass", "example.Nope::handle"),
		fn("nomethod", "example.Upper::nope"),
		fn("badinit", "example.BadInit::handle"),
		fn("badctor", "example.BadCtor::handle"),
	)

	t.Run("Handlers", func(t *testing.T) {
		for _, c := range []struct {
			name, in, cold, warmIn, warm string
		}{
			{"upper", `"hello"`, `"HELLO"`, `"again"`, `"AGAIN"`},
			{"map", `{"n":1,"list":[1,2]}`, `{"n":2,"list":[1,2],"type":"java.util.ArrayList"}`,
				`{"n":41,"list":[]}`, `{"n":42,"list":[],"type":"java.util.ArrayList"}`},
			{"bean", `{"name":"Ada","age":36,"city":"London","friends":[{"name":"Bob"}],"extra":true}`,
				`{"text":"Hello Ada (37) from London","friends":1}`,
				`{"name":"Eve"}`, `{"text":"Hello Eve (1) from null","friends":0}`},
			{"sum", `[1,2,3]`, `6`, `[10000000000,1]`, `10000000001`},
			{"stream", `{"a":1}`, `{"calls":1,"echo":{"a":1}}`, `[2]`, `{"calls":2,"echo":[2]}`},
			{"jar", `"x"`, `"from jar: x"`, `"y"`, `"from jar: y"`},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantOK(t, b.invoke(t, c.name, c.in), c.cold, true)
				wantOK(t, b.invoke(t, c.name, c.warmIn), c.warm, false)
			})
		}
	})

	t.Run("Exception", func(t *testing.T) {
		res := b.invoke(t, "boom", `"x"`)
		if res.FunctionError != platform.FunctionErrorUnhandled || res.ErrorType != "Runtime.UserException" {
			t.Fatalf("function error %q type %q, want Unhandled Runtime.UserException: %s", res.FunctionError, res.ErrorType, res.Payload)
		}
		e := parseError(t, res.Payload)
		if e.ErrorMessage != "boom" || e.ErrorType != "java.lang.RuntimeException" {
			t.Errorf("error = %+v", e)
		}
		if len(e.StackTrace) == 0 || !strings.HasPrefix(e.StackTrace[0], "example.Boom.handle(Boom.java:") {
			t.Errorf("stackTrace = %q, want the handler's frame first", e.StackTrace)
		}
		for _, f := range e.StackTrace {
			if strings.Contains(f, "coldstartlab") {
				t.Errorf("stackTrace has the runtime's own frame %q", f)
			}
		}
		log := string(res.Log)
		for _, want := range []string{"\nboom: java.lang.RuntimeException\n", "\njava.lang.RuntimeException: boom\n",
			"\n\tat example.Boom.handle(Boom.java:", "\nCaused by: java.lang.IllegalStateException: inner\n"} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %q:\n%s", want, log)
			}
		}
		wantOK(t, b.invoke(t, "boom", `"ok"`), `"fine"`, false)
	})

	t.Run("Context", func(t *testing.T) {
		res := b.doOK(t, platform.Request{Function: "ctx", Payload: []byte(`{}`),
			ClientContext:   `{"client":{"app_title":"app"},"custom":{"k":"v"},"env":{}}`,
			CognitoIdentity: `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`})
		var got struct {
			First, Second, Memory                     int
			RequestID, FunctionName, FunctionVersion  string
			Arn, LogGroup, LogStream, Trace, AppTitle string
			IdentityID                                string
			Custom                                    map[string]string
			Loader, Core                              bool
		}
		if err := json.Unmarshal(res.Payload, &got); err != nil {
			t.Fatalf("%v: %s", err, res.Payload)
		}
		timeout := int((10 * time.Second).Milliseconds())
		if got.First <= 0 || got.First > timeout || got.Second >= got.First {
			t.Errorf("getRemainingTimeInMillis: first %d, second %d 50 ms later; want 0 < second < first <= %d", got.First, got.Second, timeout)
		}
		if got.RequestID != res.RequestID || got.FunctionName != "ctx" || got.Memory != 512 {
			t.Errorf("context = %+v, want request id %s, function ctx, 512 MB", got, res.RequestID)
		}
		if got.FunctionVersion != "$LATEST" || !strings.HasSuffix(got.Arn, ":function:ctx") ||
			got.LogGroup != "/aws/lambda/ctx" || got.LogStream == "" {
			t.Errorf("context = %+v", got)
		}
		if !strings.HasPrefix(got.Trace, "Root=1-") {
			t.Errorf("com.amazonaws.xray.traceHeader = %q", got.Trace)
		}
		if got.AppTitle != "app" || got.Custom["k"] != "v" || got.IdentityID != "id-1" {
			t.Errorf("client context / identity = %+v", got)
		}
		if !got.Loader {
			t.Errorf("the thread's context class loader is not the function's")
		}
		if !got.Core {
			t.Errorf("Context was loaded from the function's lib/aws-lambda-java-core.jar, not the runtime's")
		}
		log := string(res.Log)
		for _, want := range []string{"\nhello from LambdaLogger\n", "\nhello from System.out\n"} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %q:\n%s", want, log)
			}
		}
	})

	// AWS's Java client reports a missing class or method when invoked, not
	// as an init error: init succeeds, each invoke fails.
	t.Run("NotFound", func(t *testing.T) {
		for _, c := range []struct{ name, msg, typ string }{
			{"noclass", "Class not found: example.Nope", "java.lang.ClassNotFoundException"},
			{"nomethod", "No public method named nope with appropriate method signature found on class example.Upper", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				for i, cold := range []bool{true, false} {
					res := b.invoke(t, c.name, `"x"`)
					if res.FunctionError != platform.FunctionErrorUnhandled || res.ErrorType != "Runtime.BadFunctionCode" {
						t.Fatalf("invoke %d: function error %q type %q: %s", i, res.FunctionError, res.ErrorType, res.Payload)
					}
					if res.Cold != cold || res.Report.HasInit != cold {
						t.Errorf("invoke %d: cold %v, REPORT has Init Duration %v; want %v", i, res.Cold, res.Report.HasInit, cold)
					}
					var e map[string]any
					if err := json.Unmarshal(res.Payload, &e); err != nil {
						t.Fatal(err)
					}
					want := map[string]any{"errorMessage": c.msg}
					if c.typ != "" {
						want["errorType"] = c.typ
					}
					if !jsonEqual(res.Payload, javaJSON(t, want)) {
						t.Errorf("payload %s, want %s", res.Payload, javaJSON(t, want))
					}
					if !strings.Contains(string(res.Log), c.msg) {
						t.Errorf("log lacks %q:\n%s", c.msg, res.Log)
					}
				}
			})
		}
		if l := b.linesWith("INIT_REPORT"); len(l) != 0 {
			t.Errorf("INIT_REPORT lines for deferred errors: %q", l)
		}
	})

	// An exception in the class's static initialiser or the handler's
	// constructor is an init error (Runtime.BadFunctionCode, then exit).
	t.Run("InitError", func(t *testing.T) {
		for _, c := range []struct{ name, msg, typ, log string }{
			{"badinit", "Error loading class example.BadInit", "java.lang.ExceptionInInitializerError",
				"\nCaused by: java.lang.IllegalStateException: static boom\n"},
			{"badctor", "constructor boom", "java.lang.IllegalStateException",
				"\njava.lang.IllegalStateException: constructor boom\n"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := len(b.linesWith("INIT_REPORT"))
				res := b.invoke(t, c.name, `"x"`)
				if res.FunctionError != platform.FunctionErrorUnhandled || res.ErrorType != "Runtime.BadFunctionCode" {
					t.Fatalf("function error %q type %q: %s", res.FunctionError, res.ErrorType, res.Payload)
				}
				e := parseError(t, res.Payload)
				if e.ErrorMessage != c.msg || e.ErrorType != c.typ {
					t.Errorf("error = %+v, want %q %q", e, c.msg, c.typ)
				}
				reports := b.linesWith("INIT_REPORT")[before:]
				if len(reports) != 2 ||
					!strings.Contains(reports[0], "\tPhase: init\tStatus: error\tError Type: Runtime.BadFunctionCode") ||
					!strings.Contains(reports[1], "\tPhase: invoke\tStatus: error\tError Type: Runtime.BadFunctionCode") {
					t.Errorf("INIT_REPORT lines = %q", reports)
				}
				all := strings.Join(b.lines(), "\n") + "\n"
				if !strings.Contains(all, "\n"+c.msg+": "+c.typ+"\n") || !strings.Contains(all, c.log) {
					t.Errorf("log lacks the init error report %q / %q:\n%s", c.msg, c.log, all)
				}
			})
		}
	})
}

func javaJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
