// AWS Signature Version 4 for JSON-protocol POSTs to "/" (DynamoDB, SQS …):
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ColdStart
{
    sealed class Credentials
    {
        public string AccessKeyId, SecretAccessKey, SessionToken;

        // FromEnvironment reads Lambda's execution-role credentials.
        public static Credentials FromEnvironment()
        {
            var c = new Credentials
            {
                AccessKeyId = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"),
                SecretAccessKey = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"),
                SessionToken = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN"),
            };
            if (string.IsNullOrEmpty(c.AccessKeyId) || string.IsNullOrEmpty(c.SecretAccessKey))
                throw new InvalidOperationException("no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
            if (c.SessionToken == "") c.SessionToken = null;
            return c;
        }
    }

    sealed class SigV4
    {
        readonly Credentials creds;
        readonly string region, service;
        string keyDate;   // the day signingKey is for
        byte[] signingKey;

        public SigV4(Credentials creds, string region, string service)
        {
            this.creds = creds;
            this.region = region;
            this.service = service;
        }

        // Sign returns the headers of a signed POST / with this body, in
        // canonical (sorted, lower-case) order, Authorization last.
        public List<KeyValuePair<string, string>> SignPost(string host, string contentType, string target, byte[] body, DateTime utcNow)
        {
            string amzDate = utcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            string day = amzDate.Substring(0, 8);
            var h = new List<KeyValuePair<string, string>>(6);
            h.Add(new KeyValuePair<string, string>("content-type", contentType));
            h.Add(new KeyValuePair<string, string>("host", host));
            h.Add(new KeyValuePair<string, string>("x-amz-date", amzDate));
            if (creds.SessionToken != null)
                h.Add(new KeyValuePair<string, string>("x-amz-security-token", creds.SessionToken));
            h.Add(new KeyValuePair<string, string>("x-amz-target", target));

            var canon = new StringBuilder(512);
            canon.Append("POST\n/\n\n");
            var signed = new StringBuilder(96);
            foreach (var kv in h)
            {
                canon.Append(kv.Key).Append(':').Append(kv.Value.Trim()).Append('\n');
                if (signed.Length > 0) signed.Append(';');
                signed.Append(kv.Key);
            }
            canon.Append('\n').Append(signed).Append('\n').Append(Hex(Sha256(body)));

            string scope = day + "/" + region + "/" + service + "/aws4_request";
            string toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + Hex(Sha256(Encoding.UTF8.GetBytes(canon.ToString())));
            string signature = Hex(Hmac(Key(day), toSign));
            h.RemoveAt(h.FindIndex(kv => kv.Key == "host")); // the HTTP client writes Host itself
            h.Add(new KeyValuePair<string, string>("Authorization",
                "AWS4-HMAC-SHA256 Credential=" + creds.AccessKeyId + "/" + scope + ", SignedHeaders=" + signed + ", Signature=" + signature));
            return h;
        }

        // Key derives the signing key, once a day.
        byte[] Key(string day)
        {
            if (day != keyDate)
            {
                byte[] k = Hmac(Encoding.UTF8.GetBytes("AWS4" + creds.SecretAccessKey), day);
                k = Hmac(k, region);
                k = Hmac(k, service);
                signingKey = Hmac(k, "aws4_request");
                keyDate = day;
            }
            return signingKey;
        }

        static byte[] Hmac(byte[] key, string data)
        {
            using (var h = new HMACSHA256(key))
                return h.ComputeHash(Encoding.UTF8.GetBytes(data));
        }

        static byte[] Sha256(byte[] data)
        {
            using (var h = SHA256.Create())
                return h.ComputeHash(data);
        }

        static string Hex(byte[] b)
        {
            const string digits = "0123456789abcdef";
            var c = new char[b.Length * 2];
            for (int i = 0; i < b.Length; i++)
            {
                c[2 * i] = digits[b[i] >> 4];
                c[2 * i + 1] = digits[b[i] & 15];
            }
            return new string(c);
        }
    }
}
