"""DdbWriter writes one item to DynamoDB and returns its new id, like
examples/functions/ddbwriter: the event's string fields become S attributes
beside id (a UUIDv4) and createdAt (RFC 3339, UTC). A PutItem on http.client
with SigV4 stands in for boto3, reading its settings where boto3 does:
AWS_ENDPOINT_URL_DYNAMODB (coldstart's local DynamoDB), else the regional
endpoint of AWS_REGION; the credentials Lambda passes."""
import http.client
import json
import os
import uuid
from datetime import datetime, timezone
from urllib.parse import urlsplit

from sigv4 import authorization

# Set up during init, as Lambda best practice has it: reused by every invoke.
TABLE = os.environ.get("TABLE_NAME")
if not TABLE:
    raise RuntimeError("TABLE_NAME is not set: the template's Environment must name it")
REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
ENDPOINT = urlsplit(
    os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    or os.environ.get("AWS_ENDPOINT_URL")
    or f"https://dynamodb.{REGION}.amazonaws.com"
)
_Connection = http.client.HTTPSConnection if ENDPOINT.scheme == "https" else http.client.HTTPConnection
_conn = _Connection(ENDPOINT.netloc, timeout=10)


def handler(event, context):
    item_id = str(uuid.uuid4())
    item = {"id": {"S": item_id}, "createdAt": {"S": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}}
    for k, v in (event or {}).items():
        if isinstance(v, str) and k not in item:
            item[k] = {"S": v}
    _put_item(json.dumps({"TableName": TABLE, "Item": item}).encode())
    return item_id


def _put_item(body):
    amz_date = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers = {
        "content-type": "application/x-amz-json-1.0",
        "host": ENDPOINT.netloc,
        "x-amz-date": amz_date,
        "x-amz-target": "DynamoDB_20120810.PutItem",
    }
    if os.environ.get("AWS_SESSION_TOKEN"):
        headers["x-amz-security-token"] = os.environ["AWS_SESSION_TOKEN"]
    headers["authorization"] = authorization(
        os.environ.get("AWS_ACCESS_KEY_ID", ""), os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
        REGION, "dynamodb", amz_date, ENDPOINT.path or "/", headers, body,
    )
    try:
        status, answer = _post(headers, body)
    except (ConnectionError, http.client.RemoteDisconnected):
        # A kept-alive connection the server closed while we were frozen: once more.
        _conn.close()
        status, answer = _post(headers, body)
    if status != 200:
        raise RuntimeError(f"DynamoDB PutItem: HTTP {status}: {answer.decode(errors='replace')}")


def _post(headers, body):
    _conn.request("POST", ENDPOINT.path or "/", body=body, headers=headers)
    res = _conn.getresponse()
    return res.status, res.read()
