// AWS Signature Version 4 for POSTs to a path without a query string (what
// the DynamoDB JSON protocol sends), on node:crypto alone.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
import { createHash, createHmac } from "node:crypto";

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();

// authorization returns the Authorization header for a POST of body to path
// with headers (lower-case names, including host and x-amz-date), at amzDate
// ("20240102T030405Z").
export function authorization({ accessKey, secretKey, region, service, amzDate, path, headers, body }) {
  const names = Object.keys(headers).sort();
  const signed = names.join(";");
  const canonical = [
    "POST", path, "",
    ...names.map((n) => `${n}:${String(headers[n]).trim()}`), "",
    signed, sha256(body),
  ].join("\n");
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  let key = hmac(`AWS4${secretKey}`, date);
  for (const part of [region, service, "aws4_request"]) {
    key = hmac(key, part);
  }
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  return `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${signed}, Signature=${signature}`;
}
