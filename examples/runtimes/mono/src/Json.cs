// A small JSON reader and writer: enough for Lambda events and DynamoDB's
// JSON protocol, without System.Runtime.Serialization or System.Web (each an
// assembly more to load, JIT and AOT).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ColdStart
{
    static class Json
    {
        // Parse returns a string, double, bool, null, List<object> or
        // Dictionary<string, object> (keys in document order are not kept).
        public static object Parse(string text)
        {
            var r = new Reader(text);
            r.SkipSpace();
            object v = r.Value();
            r.SkipSpace();
            if (r.Pos != text.Length)
                throw r.Fail("unexpected data after the value");
            return v;
        }

        // Quote writes s as a JSON string literal.
        public static void Quote(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else
                            sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }

        public static string Quote(string s)
        {
            var sb = new StringBuilder(s.Length + 2);
            Quote(sb, s);
            return sb.ToString();
        }

        sealed class Reader
        {
            readonly string s;
            public int Pos;

            public Reader(string text) { s = text; }

            public FormatException Fail(string what)
            {
                return new FormatException("invalid JSON at offset " + Pos + ": " + what);
            }

            public void SkipSpace()
            {
                while (Pos < s.Length && (s[Pos] == ' ' || s[Pos] == '\t' || s[Pos] == '\n' || s[Pos] == '\r'))
                    Pos++;
            }

            public object Value()
            {
                if (Pos >= s.Length)
                    throw Fail("unexpected end");
                char c = s[Pos];
                switch (c)
                {
                    case '{': return Object();
                    case '[': return Array();
                    case '"': return String();
                    case 't': Literal("true"); return true;
                    case 'f': Literal("false"); return false;
                    case 'n': Literal("null"); return null;
                }
                if (c == '-' || (c >= '0' && c <= '9'))
                    return Number();
                throw Fail("unexpected character '" + c + "'");
            }

            void Literal(string word)
            {
                if (string.CompareOrdinal(s, Pos, word, 0, word.Length) != 0)
                    throw Fail("expected " + word);
                Pos += word.Length;
            }

            void Expect(char c)
            {
                if (Pos >= s.Length || s[Pos] != c)
                    throw Fail("expected '" + c + "'");
                Pos++;
            }

            Dictionary<string, object> Object()
            {
                var d = new Dictionary<string, object>(StringComparer.Ordinal);
                Pos++;
                SkipSpace();
                if (Pos < s.Length && s[Pos] == '}') { Pos++; return d; }
                for (;;)
                {
                    SkipSpace();
                    string key = String();
                    SkipSpace();
                    Expect(':');
                    SkipSpace();
                    d[key] = Value();
                    SkipSpace();
                    if (Pos < s.Length && s[Pos] == ',') { Pos++; continue; }
                    Expect('}');
                    return d;
                }
            }

            List<object> Array()
            {
                var l = new List<object>();
                Pos++;
                SkipSpace();
                if (Pos < s.Length && s[Pos] == ']') { Pos++; return l; }
                for (;;)
                {
                    SkipSpace();
                    l.Add(Value());
                    SkipSpace();
                    if (Pos < s.Length && s[Pos] == ',') { Pos++; continue; }
                    Expect(']');
                    return l;
                }
            }

            string String()
            {
                Expect('"');
                StringBuilder sb = null;
                int start = Pos;
                while (Pos < s.Length)
                {
                    char c = s[Pos];
                    if (c == '"')
                    {
                        string tail = s.Substring(start, Pos - start);
                        Pos++;
                        return sb == null ? tail : sb.Append(tail).ToString();
                    }
                    if (c < 0x20)
                        throw Fail("control character in string");
                    if (c != '\\') { Pos++; continue; }
                    if (sb == null) sb = new StringBuilder();
                    sb.Append(s, start, Pos - start);
                    Pos++;
                    if (Pos >= s.Length)
                        break;
                    char e = s[Pos++];
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u':
                            if (Pos + 4 > s.Length)
                                throw Fail("short \\u escape");
                            int code;
                            if (!int.TryParse(s.Substring(Pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                                throw Fail("bad \\u escape");
                            sb.Append((char)code); // surrogate pairs arrive as two escapes
                            Pos += 4;
                            break;
                        default:
                            throw Fail("bad escape");
                    }
                    start = Pos;
                }
                throw Fail("unterminated string");
            }

            double Number()
            {
                int start = Pos;
                if (s[Pos] == '-') Pos++;
                while (Pos < s.Length && "0123456789.eE+-".IndexOf(s[Pos]) >= 0)
                    Pos++;
                double d;
                if (!double.TryParse(s.Substring(start, Pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                    throw Fail("bad number");
                return d;
            }
        }
    }
}
