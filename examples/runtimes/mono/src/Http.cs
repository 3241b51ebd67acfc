// A minimal HTTP/1.1 client over one kept-alive socket. The Runtime API and
// DynamoDB each get one connection for the environment's life. Raw sockets
// rather than HttpWebRequest, because the first request through Mono's
// WebRequest stack costs about half a second more of Init Duration (README.md).
using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace ColdStart
{
    sealed class HttpResponse
    {
        public int Status;
        public Dictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public byte[] Body;

        public string Header(string name)
        {
            string v;
            return Headers.TryGetValue(name, out v) ? v : null;
        }

        public string Text { get { return Encoding.UTF8.GetString(Body); } }
    }

    sealed class HttpConnection
    {
        readonly string host;
        readonly int port;
        readonly bool tls;
        public readonly string HostHeader; // host, with the port when it is not the scheme's default

        Stream stream;
        bool closeAfter; // the server said Connection: close
        readonly byte[] buf = new byte[16384];
        int start, end; // unread bytes are buf[start:end]

        public HttpConnection(string host, int port, bool tls)
        {
            this.host = host;
            this.port = port;
            this.tls = tls;
            HostHeader = port == (tls ? 443 : 80) ? host : host + ":" + port;
        }

        // ForUrl parses http://host[:port] or https://host[:port] (any path is ignored).
        public static HttpConnection ForUrl(string url)
        {
            bool tls;
            string rest;
            if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) { tls = true; rest = url.Substring(8); }
            else if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) { tls = false; rest = url.Substring(7); }
            else throw new ArgumentException("endpoint " + url + " is not an http(s) URL");
            int slash = rest.IndexOf('/');
            if (slash >= 0) rest = rest.Substring(0, slash);
            return ForHostPort(rest, tls);
        }

        // ForHostPort parses host:port, as in AWS_LAMBDA_RUNTIME_API.
        public static HttpConnection ForHostPort(string hostPort, bool tls)
        {
            int colon = hostPort.LastIndexOf(':');
            if (colon > 0 && hostPort.IndexOf(']') < colon)
                return new HttpConnection(hostPort.Substring(0, colon), int.Parse(hostPort.Substring(colon + 1)), tls);
            return new HttpConnection(hostPort, tls ? 443 : 80, tls);
        }

        void Connect()
        {
            Close();
            IPAddress ip;
            string h = host.Trim('[', ']');
            if (!IPAddress.TryParse(h, out ip))
                ip = Dns.GetHostAddresses(h)[0];
            var s = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            s.NoDelay = true;
            s.Connect(new IPEndPoint(ip, port));
            Stream ns = new NetworkStream(s, true);
            if (tls)
            {
                var ssl = new SslStream(ns, false);
                ssl.AuthenticateAsClient(h);
                ns = ssl;
            }
            stream = ns;
            start = end = 0;
            closeAfter = false;
        }

        public void Close()
        {
            if (stream != null) { try { stream.Dispose(); } catch (Exception) { } }
            stream = null;
        }

        // Send makes one request. A kept-alive connection the server has closed
        // meanwhile fails before any answer arrives: then it reconnects and
        // sends once more.
        public HttpResponse Send(string method, string path, IList<KeyValuePair<string, string>> headers, byte[] body)
        {
            var sb = new StringBuilder(256);
            sb.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: ").Append(HostHeader).Append("\r\n");
            if (headers != null)
                foreach (var h in headers)
                    sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
            if (body != null || method == "POST" || method == "PUT")
                sb.Append("Content-Length: ").Append(body == null ? 0 : body.Length).Append("\r\n");
            sb.Append("\r\n");
            byte[] head = Encoding.ASCII.GetBytes(sb.ToString());
            byte[] req = head;
            if (body != null && body.Length > 0)
            {
                req = new byte[head.Length + body.Length];
                Buffer.BlockCopy(head, 0, req, 0, head.Length);
                Buffer.BlockCopy(body, 0, req, head.Length, body.Length);
            }
            for (int attempt = 0; ; attempt++)
            {
                bool reused = stream != null, answered = false;
                if (!reused)
                    Connect();
                try
                {
                    stream.Write(req, 0, req.Length);
                    return ReadResponse(method, ref answered);
                }
                catch (Exception e)
                {
                    Close();
                    if (!reused || answered || attempt > 0 || !(e is IOException || e is SocketException))
                        throw;
                }
            }
        }

        bool Fill()
        {
            if (start > 0 && start == end) start = end = 0;
            if (end == buf.Length)
            {
                if (start == 0) throw new IOException("HTTP header line too long");
                Buffer.BlockCopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            int n = stream.Read(buf, end, buf.Length - end);
            if (n <= 0) return false;
            end += n;
            return true;
        }

        string ReadLine(bool first)
        {
            for (;;)
            {
                for (int i = start; i + 1 < end; i++)
                {
                    if (buf[i] == '\r' && buf[i + 1] == '\n')
                    {
                        string line = Encoding.ASCII.GetString(buf, start, i - start);
                        start = i + 2;
                        return line;
                    }
                }
                if (!Fill())
                    throw new IOException(first && start == end ? "connection closed before the response" : "connection closed mid-response");
            }
        }

        void ReadExactly(byte[] dst, int off, int n)
        {
            while (n > 0)
            {
                if (start == end && !Fill())
                    throw new IOException("connection closed mid-body");
                int k = Math.Min(n, end - start);
                Buffer.BlockCopy(buf, start, dst, off, k);
                start += k; off += k; n -= k;
            }
        }

        HttpResponse ReadResponse(string method, ref bool answered)
        {
            var r = new HttpResponse();
            string status = ReadLine(true);
            answered = true;
            // HTTP/1.1 200 OK
            int sp = status.IndexOf(' ');
            if (!status.StartsWith("HTTP/1.") || sp < 0 || status.Length < sp + 4)
                throw new IOException("bad HTTP status line: " + status);
            r.Status = int.Parse(status.Substring(sp + 1, 3));
            for (;;)
            {
                string line = ReadLine(false);
                if (line.Length == 0) break;
                int colon = line.IndexOf(':');
                if (colon <= 0) continue;
                r.Headers[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
            }
            string conn = r.Header("Connection");
            closeAfter = conn != null && conn.Equals("close", StringComparison.OrdinalIgnoreCase) || status.StartsWith("HTTP/1.0");
            string te = r.Header("Transfer-Encoding");
            string cl = r.Header("Content-Length");
            if (method == "HEAD" || r.Status == 204 || r.Status == 304 || (r.Status >= 100 && r.Status < 200))
                r.Body = new byte[0];
            else if (te != null && te.IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0)
                r.Body = ReadChunked();
            else if (cl != null)
            {
                r.Body = new byte[int.Parse(cl)];
                ReadExactly(r.Body, 0, r.Body.Length);
            }
            else
            {
                var ms = new MemoryStream();
                ms.Write(buf, start, end - start);
                start = end = 0;
                while (Fill()) { ms.Write(buf, 0, end); start = end = 0; }
                r.Body = ms.ToArray();
                closeAfter = true;
            }
            if (closeAfter) Close();
            return r;
        }

        byte[] ReadChunked()
        {
            var ms = new MemoryStream();
            for (;;)
            {
                string line = ReadLine(false);
                int semi = line.IndexOf(';');
                if (semi >= 0) line = line.Substring(0, semi);
                int n = Convert.ToInt32(line.Trim(), 16);
                if (n == 0)
                {
                    while (ReadLine(false).Length > 0) { } // trailers
                    return ms.ToArray();
                }
                var chunk = new byte[n];
                ReadExactly(chunk, 0, n);
                ms.Write(chunk, 0, n);
                ReadLine(false);
            }
        }
    }
}
