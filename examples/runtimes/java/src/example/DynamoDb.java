package example;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * DynamoDb is just enough of a DynamoDB client for PutItem, on the standard
 * library (HttpURLConnection, the client AWS SDK users pick for fast Lambda
 * starts) instead of the AWS SDK. It reads its settings where the SDKs do:
 * AWS_ENDPOINT_URL_DYNAMODB (coldstart's local DynamoDB), else the regional
 * endpoint of AWS_REGION; AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN (Lambda's execution role).
 */
final class DynamoDb {
    private static final String TARGET = "DynamoDB_20120810.PutItem";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

    private final URL endpoint;
    private final String host;
    private final String region;
    private final String accessKey;
    private final String secretKey;
    private final String sessionToken;

    DynamoDb(String endpoint, String region, String accessKey, String secretKey, String sessionToken)
            throws IOException {
        this.endpoint = new URL(endpoint.endsWith("/") ? endpoint : endpoint + "/");
        // The Host header HttpURLConnection sends: the port only when not the scheme's.
        int port = this.endpoint.getPort();
        this.host = port < 0 || port == this.endpoint.getDefaultPort() ? this.endpoint.getHost()
                : this.endpoint.getHost() + ":" + port;
        this.region = region;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.sessionToken = sessionToken;
    }

    static DynamoDb fromEnvironment() {
        String region = env("AWS_REGION", env("AWS_DEFAULT_REGION", "us-east-1"));
        String endpoint = env("AWS_ENDPOINT_URL_DYNAMODB", env("AWS_ENDPOINT_URL", null));
        if (endpoint == null) {
            endpoint = "https://dynamodb." + region + ".amazonaws.com";
        }
        try {
            return new DynamoDb(endpoint, region, env("AWS_ACCESS_KEY_ID", ""), env("AWS_SECRET_ACCESS_KEY", ""),
                    env("AWS_SESSION_TOKEN", null));
        } catch (IOException e) {
            throw new IllegalStateException("AWS_ENDPOINT_URL_DYNAMODB: " + e.getMessage(), e);
        }
    }

    /** PutItem writes item (every attribute a string, S) into table. */
    void putItem(String table, Map<String, String> item) throws IOException {
        StringBuilder json = new StringBuilder(256).append("{\"TableName\":");
        quote(json, table).append(",\"Item\":{");
        boolean first = true;
        for (Map.Entry<String, String> a : item.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            quote(json, a.getKey()).append(":{\"S\":");
            quote(json, a.getValue()).append('}');
        }
        byte[] body = json.append("}}").toString().getBytes(StandardCharsets.UTF_8);

        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(); // 2024-01-02T03:04:05Z
        String amzDate = now.replace("-", "").replace(":", "");
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", CONTENT_TYPE);
        headers.put("host", host);
        headers.put("x-amz-date", amzDate);
        headers.put("x-amz-target", TARGET);
        if (sessionToken != null && !sessionToken.isEmpty()) {
            headers.put("x-amz-security-token", sessionToken);
        }
        String auth = SigV4.authorization(accessKey, secretKey, region, "dynamodb", amzDate, endpoint.getPath(),
                headers, body);

        HttpURLConnection c = (HttpURLConnection) endpoint.openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        // Not streamed: a buffered POST is sent again when a kept-alive
        // connection turns out to be closed (the server may close it while
        // the environment is frozen between invokes).
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!h.getKey().equals("host")) { // HttpURLConnection sets it, to the same value
                c.setRequestProperty(h.getKey(), h.getValue());
            }
        }
        c.setRequestProperty("authorization", auth);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        // Read the answer to its end either way, so the connection is reused.
        String answer = readAll(status >= 400 ? c.getErrorStream() : c.getInputStream());
        if (status != 200) {
            throw new IOException("DynamoDB PutItem: HTTP " + status + ": " + answer);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0;) {
                b.write(buf, 0, n);
            }
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    private static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"');
    }

    private static String env(String key, String dflt) {
        String v = System.getenv(key);
        return v == null || v.isEmpty() ? dflt : v;
    }
}
