"""AWS Signature Version 4 for POSTs to a path without a query string (what
the DynamoDB JSON protocol sends), on hmac and hashlib alone.
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html"""
import hashlib
import hmac


def _hmac(key, data):
    return hmac.new(key, data.encode(), hashlib.sha256).digest()


def authorization(access_key, secret_key, region, service, amz_date, path, headers, body):
    """The Authorization header for a POST of body (bytes) to path with headers
    (lower-case names, including host and x-amz-date), at amz_date
    ("20240102T030405Z")."""
    names = sorted(headers)
    signed = ";".join(names)
    canonical = "\n".join(
        ["POST", path, ""]
        + [f"{n}:{str(headers[n]).strip()}" for n in names]
        + ["", signed, hashlib.sha256(body).hexdigest()]
    )
    date = amz_date[:8]
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(("AWS4" + secret_key).encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"
