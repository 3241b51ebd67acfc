// DdbWriter: writes one item to DynamoDB and returns its new id (seed 003's
// "writes to a database" function). The event's string fields become the
// item's attributes, beside id (a UUIDv4) and createdAt (RFC 3339, UTC).
//
// Environment: TABLE_NAME; AWS_REGION; AWS_ENDPOINT_URL_DYNAMODB (else
// https://dynamodb.$AWS_REGION.amazonaws.com); the credentials in
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ColdStart
{
    sealed class DdbWriter : IHandler
    {
        readonly DynamoDb db;
        readonly string table;

        // Built during init, as Lambda best practice has it: reused by every invoke.
        DdbWriter()
        {
            table = Environment.GetEnvironmentVariable("TABLE_NAME");
            if (string.IsNullOrEmpty(table))
                throw new InvalidOperationException("TABLE_NAME is not set");
            db = new DynamoDb();
        }

        public string Handle(string eventJson)
        {
            var ev = Json.Parse(eventJson) as Dictionary<string, object>;
            if (ev == null)
                throw new FormatException("the event is not a JSON object: " + eventJson);
            string id = Guid.NewGuid().ToString();
            var item = new StringBuilder(256);
            item.Append("{\"TableName\":");
            Json.Quote(item, table);
            item.Append(",\"Item\":{\"id\":{\"S\":");
            Json.Quote(item, id);
            item.Append("},\"createdAt\":{\"S\":");
            Json.Quote(item, DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            item.Append('}');
            foreach (var kv in ev)
            {
                var s = kv.Value as string;
                if (s == null || kv.Key == "id" || kv.Key == "createdAt")
                    continue;
                item.Append(',');
                Json.Quote(item, kv.Key);
                item.Append(":{\"S\":");
                Json.Quote(item, s);
                item.Append('}');
            }
            item.Append("}}");
            db.Call("PutItem", item.ToString());
            return Json.Quote(id);
        }

        static void Main()
        {
            LambdaRuntime.Run(() => new DdbWriter());
        }
    }

    // DynamoDb calls DynamoDB's JSON API (protocol awsJson1_0) on one kept-alive connection.
    sealed class DynamoDb
    {
        const string ContentType = "application/x-amz-json-1.0";
        readonly HttpConnection conn;
        readonly SigV4 signer;

        public DynamoDb()
        {
            string region = Environment.GetEnvironmentVariable("AWS_REGION");
            if (string.IsNullOrEmpty(region))
                region = Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
            if (string.IsNullOrEmpty(region))
                throw new InvalidOperationException("AWS_REGION is not set");
            string endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_DYNAMODB");
            if (string.IsNullOrEmpty(endpoint))
                endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
            if (string.IsNullOrEmpty(endpoint))
                endpoint = "https://dynamodb." + region + ".amazonaws.com";
            conn = HttpConnection.ForUrl(endpoint);
            signer = new SigV4(Credentials.FromEnvironment(), region, "dynamodb");
        }

        // Call runs one operation and returns its JSON answer; an error answer
        // throws a ServiceException named by its __type.
        public string Call(string operation, string requestJson)
        {
            byte[] body = Encoding.UTF8.GetBytes(requestJson);
            var headers = signer.SignPost(conn.HostHeader, ContentType, "DynamoDB_20120810." + operation, body, DateTime.UtcNow);
            HttpResponse r = conn.Send("POST", "/", headers, body);
            string text = r.Text;
            if (r.Status == 200)
                return text;
            string code = "DynamoDBError", message = text;
            try
            {
                var err = Json.Parse(text) as Dictionary<string, object>;
                object v;
                if (err != null && err.TryGetValue("__type", out v) && v is string)
                {
                    code = (string)v;
                    code = code.Substring(code.LastIndexOf('#') + 1);
                }
                if (err != null && (err.TryGetValue("message", out v) || err.TryGetValue("Message", out v)) && v is string)
                    message = (string)v;
            }
            catch (FormatException)
            {
            }
            throw new ServiceException(code, operation + ": " + message + " (HTTP " + r.Status + ")", r.Status);
        }
    }
}
