package example;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SigV4 signs a request with AWS Signature Version 4, for requests to "/"
 * without a query string (what the DynamoDB JSON protocol sends): the
 * Authorization header over every header given.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
final class SigV4 {
    private SigV4() {}

    /**
     * Authorization returns the Authorization header's value for a POST of
     * body to path with headers (names lower-case, including host and
     * x-amz-date), at amzDate ("20240102T030405Z").
     */
    static String authorization(String accessKey, String secretKey, String region, String service,
            String amzDate, String path, Map<String, String> headers, byte[] body) {
        TreeMap<String, String> sorted = new TreeMap<>(headers);
        StringBuilder canonical = new StringBuilder(256).append("POST\n").append(path).append("\n\n");
        for (Map.Entry<String, String> h : sorted.entrySet()) {
            canonical.append(h.getKey()).append(':').append(h.getValue().trim()).append('\n');
        }
        String signed = String.join(";", sorted.keySet());
        canonical.append('\n').append(signed).append('\n').append(hex(sha256(body)));

        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders=" + signed
                + ", Signature=" + hex(hmac(key, toSign));
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        char[] out = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = Character.forDigit((b[i] >> 4) & 0xf, 16);
            out[2 * i + 1] = Character.forDigit(b[i] & 0xf, 16);
        }
        return new String(out);
    }
}
