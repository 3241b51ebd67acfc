package io.github.coldstartlab.runtime;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * RuntimeApi speaks the Lambda Runtime API over one keep-alive HTTP/1.1
 * connection on a plain socket: HttpURLConnection and java.net.http would
 * load hundreds of classes into every cold start.
 *
 * Notes: /next has no read timeout, as the process may be frozen between
 * invokes for minutes. A request that fails on a reused connection before
 * any answer came back is sent once more on a new one (the server may have
 * closed the idle connection).
 */
final class RuntimeApi {
    static final String NEXT = "/2018-06-01/runtime/invocation/next";
    static final String INVOCATION = "/2018-06-01/runtime/invocation/";
    static final String INIT_ERROR = "/2018-06-01/runtime/init/error";
    static final String HEADER_ERROR_TYPE = "Lambda-Runtime-Function-Error-Type";
    private static final int BIG = 16 * 1024;

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean noDelay;

    RuntimeApi(String hostPort) {
        if (hostPort == null || hostPort.isEmpty()) {
            throw new IllegalStateException("AWS_LAMBDA_RUNTIME_API is not set");
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            host = hostPort;
            port = 80;
        } else {
            host = hostPort.substring(0, colon);
            port = Integer.parseInt(hostPort.substring(colon + 1));
        }
    }

    /** Waits for the next event. */
    Invocation next() throws IOException {
        Response r = exchange("GET", NEXT, null, null);
        if (r.status != 200) {
            throw new IOException(Text.cat("runtime API answered /next with HTTP ", String.valueOf(r.status), ": ",
                    new String(r.body, StandardCharsets.UTF_8)));
        }
        Invocation inv = new Invocation();
        inv.id = r.header("lambda-runtime-aws-request-id");
        String deadline = r.header("lambda-runtime-deadline-ms");
        if (deadline != null) {
            try {
                inv.deadlineMs = Long.parseLong(deadline.trim());
            } catch (NumberFormatException e) {
                inv.deadlineMs = 0;
            }
        }
        inv.functionArn = r.header("lambda-runtime-invoked-function-arn");
        inv.traceId = r.header("lambda-runtime-trace-id");
        inv.clientContext = r.header("lambda-runtime-client-context");
        inv.cognitoIdentity = r.header("lambda-runtime-cognito-identity");
        inv.tenantId = r.header("lambda-runtime-aws-tenant-id");
        inv.body = r.body;
        return inv;
    }

    /** Posts the handler's result. */
    void respond(String id, byte[] body) throws IOException {
        exchange("POST", Text.cat(INVOCATION, id, "/response"), null, body);
    }

    /** Posts an error to path (an invocation's /error or /init/error). */
    void error(String path, String errorType, byte[] body) throws IOException {
        exchange("POST", path, errorType, body);
    }

    private Response exchange(String method, String path, String errorType, byte[] body) throws IOException {
        StringBuilder h = new StringBuilder(160).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append(':').append(port).append("\r\n");
        if (errorType != null) {
            h.append(HEADER_ERROR_TYPE).append(": ").append(errorType).append("\r\nContent-Type: application/json\r\n");
        }
        if (body != null) {
            h.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] head = h.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        byte[] req = head;
        if (body != null && body.length > 0) {
            req = new byte[head.length + body.length];
            System.arraycopy(head, 0, req, 0, head.length);
            System.arraycopy(body, 0, req, head.length, body.length);
        }
        for (int attempt = 0;; attempt++) {
            boolean reused = socket != null;
            if (socket == null) {
                connect();
            }
            Response r = new Response();
            try {
                if (req.length > BIG && !noDelay) {
                    // A large body spans segments: without TCP_NODELAY its tail could
                    // wait for a delayed ACK. Small requests go out in one write, so
                    // the option (and its start-up cost) is set only when needed.
                    socket.setTcpNoDelay(true);
                    noDelay = true;
                }
                out.write(req);
                out.flush();
                read(r);
                if (r.close) {
                    close();
                }
                return r;
            } catch (IOException e) {
                close();
                if (!reused || attempt > 0 || r.started) {
                    throw e;
                }
            }
        }
    }

    private void connect() throws IOException {
        // NO_PROXY: never through a SOCKS proxy the function's JAVA_TOOL_OPTIONS may set.
        Socket s = new Socket(Proxy.NO_PROXY);
        s.connect(new InetSocketAddress(host, port));
        noDelay = false;
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16384);
        out = s.getOutputStream();
    }

    private void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // already broken
            }
        }
        socket = null;
        in = null;
        out = null;
    }

    /** Response is an HTTP response: status, lower-cased headers, body. */
    static final class Response {
        int status;
        final Map<String, String> headers = new HashMap<>();
        byte[] body;
        boolean started; // some of the response was read
        boolean close; // the server closes the connection after it

        String header(String name) {
            String v = headers.get(name);
            return v == null || v.isEmpty() ? null : v;
        }
    }

    private void read(Response r) throws IOException {
        String status = line(r);
        int sp = status.indexOf(' ');
        if (!status.startsWith("HTTP/") || sp < 0 || status.length() < sp + 4) {
            throw new IOException(Text.cat("bad HTTP status line: ", status));
        }
        r.status = Integer.parseInt(status.substring(sp + 1, sp + 4));
        r.close = status.startsWith("HTTP/1.0");
        for (String l = line(r); !l.isEmpty(); l = line(r)) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                r.headers.put(l.substring(0, colon).trim().toLowerCase(), l.substring(colon + 1).trim());
            }
        }
        String conn = r.headers.get("connection");
        if (conn != null) {
            r.close = conn.equalsIgnoreCase("close");
        }
        String te = r.headers.get("transfer-encoding");
        String cl = r.headers.get("content-length");
        if (te != null && te.toLowerCase().contains("chunked")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line(r);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!line(r).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                byte[] chunk = new byte[n];
                readFully(chunk);
                b.write(chunk, 0, n);
                line(r);
            }
            r.body = b.toByteArray();
        } else if (cl != null) {
            r.body = new byte[Integer.parseInt(cl)];
            readFully(r.body);
        } else if (r.status == 204 || r.status == 304 || r.status < 200) {
            r.body = new byte[0];
        } else {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                b.write(buf, 0, n);
            }
            r.body = b.toByteArray();
            r.close = true;
        }
    }

    private String line(Response r) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("runtime API closed the connection");
            }
            r.started = true;
            if (c == '\n') {
                break;
            }
            b.write(c);
        }
        byte[] l = b.toByteArray();
        int n = l.length;
        if (n > 0 && l[n - 1] == '\r') {
            n--;
        }
        return new String(l, 0, n, StandardCharsets.UTF_8);
    }

    private void readFully(byte[] b) throws IOException {
        for (int off = 0; off < b.length; ) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                throw new EOFException("runtime API closed the connection mid-body");
            }
            off += n;
        }
    }
}
