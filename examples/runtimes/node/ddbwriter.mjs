// DdbWriter writes one item to DynamoDB and returns its new id, like
// examples/functions/ddbwriter: the event's string fields become S
// attributes beside id (a UUIDv4) and createdAt (RFC 3339, UTC). A PutItem on
// node:http(s) with SigV4 stands in for the AWS SDK, reading its settings
// where the SDK does: AWS_ENDPOINT_URL_DYNAMODB (coldstart's local DynamoDB),
// else the regional endpoint of AWS_REGION; the credentials Lambda passes.
import http from "node:http";
import https from "node:https";
import { randomUUID } from "node:crypto";
import { authorization } from "./sigv4.mjs";

// Set up during init, as Lambda best practice has it: reused by every invoke.
const table = process.env.TABLE_NAME;
if (!table) {
  throw new Error("TABLE_NAME is not set: the template's Environment must name it");
}
const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1";
const endpoint = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB || process.env.AWS_ENDPOINT_URL ||
  `https://dynamodb.${region}.amazonaws.com`);
const transport = endpoint.protocol === "https:" ? https : http;
const agent = new transport.Agent({ keepAlive: true });

export const handler = async (event) => {
  const id = randomUUID();
  const item = { id: { S: id }, createdAt: { S: new Date().toISOString().replace(/\.\d+Z$/, "Z") } };
  for (const [k, v] of Object.entries(event ?? {})) {
    if (typeof v === "string" && !(k in item)) {
      item[k] = { S: v };
    }
  }
  await putItem(JSON.stringify({ TableName: table, Item: item }));
  return id;
};

async function putItem(body) {
  const amzDate = new Date().toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
  const headers = {
    "content-type": "application/x-amz-json-1.0",
    host: endpoint.host,
    "x-amz-date": amzDate,
    "x-amz-target": "DynamoDB_20120810.PutItem",
  };
  if (process.env.AWS_SESSION_TOKEN) {
    headers["x-amz-security-token"] = process.env.AWS_SESSION_TOKEN;
  }
  headers.authorization = authorization({
    accessKey: process.env.AWS_ACCESS_KEY_ID ?? "", secretKey: process.env.AWS_SECRET_ACCESS_KEY ?? "",
    region, service: "dynamodb", amzDate, path: endpoint.pathname, headers, body,
  });
  headers["content-length"] = Buffer.byteLength(body);
  let answer;
  try {
    answer = await post(headers, body);
  } catch (err) {
    // A kept-alive connection the server closed while we were frozen: once more.
    if (err.code !== "ECONNRESET" && err.code !== "EPIPE") throw err;
    answer = await post(headers, body);
  }
  if (answer.status !== 200) {
    throw new Error(`DynamoDB PutItem: HTTP ${answer.status}: ${answer.body}`);
  }
}

function post(headers, body) {
  return new Promise((resolve, reject) => {
    const req = transport.request(endpoint, { method: "POST", headers, agent, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("DynamoDB PutItem: timed out")));
    req.on("error", reject);
    req.end(body);
  });
}
