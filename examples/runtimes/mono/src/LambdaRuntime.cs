// The Lambda Runtime API loop for a custom runtime (provided.al2023): get the
// next event, run the handler, post its response or error, forever.
//
// Notes:
//   - Init Duration runs from the bootstrap's exec to the first /next: the
//     handler is constructed (its static init done) before that.
//   - /next has no timeout: the environment is frozen between invokes.
//   - Nothing is written to stdout on the success path, so nothing needs
//     flushing before /next; errors go to stderr, which is unbuffered.
using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;

namespace ColdStart
{
    // IHandler is a function: the event's JSON in, the response's JSON out.
    interface IHandler
    {
        string Handle(string eventJson);
    }

    static class LambdaRuntime
    {
        const string Prefix = "/2018-06-01/runtime/";
        const string HeaderRequestId = "Lambda-Runtime-Aws-Request-Id";
        const string HeaderTraceId = "Lambda-Runtime-Trace-Id";
        const string HeaderErrorType = "Lambda-Runtime-Function-Error-Type";

        // Run constructs the handler (init) and serves invokes until the process is killed.
        public static void Run(Func<IHandler> init)
        {
            string api = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
            if (string.IsNullOrEmpty(api))
            {
                Console.Error.WriteLine("AWS_LAMBDA_RUNTIME_API is not set: run me as a Lambda custom runtime's bootstrap");
                Environment.Exit(1);
            }
            var conn = HttpConnection.ForHostPort(api, false);
            IHandler handler;
            try
            {
                handler = init();
            }
            catch (Exception e)
            {
                Report(e);
                Post(conn, Prefix + "init/error", e);
                Environment.Exit(1);
                return;
            }
            // FIRST_INVOKE_DELAY_MS holds an environment's first invoke, so that N
            // concurrent invokes need N environments (seed 004's parallel cold starts).
            int delay;
            int.TryParse(Environment.GetEnvironmentVariable("FIRST_INVOKE_DELAY_MS"), out delay);
            var json = new KeyValuePair<string, string>[] { new KeyValuePair<string, string>("Content-Type", "application/json") };
            for (;;)
            {
                HttpResponse next = conn.Send("GET", Prefix + "invocation/next", null, null);
                if (next.Status != 200)
                    throw new InvalidOperationException("runtime API /next answered " + next.Status + ": " + next.Text);
                string id = next.Header(HeaderRequestId);
                string trace = next.Header(HeaderTraceId);
                if (trace != null)
                    Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", trace);
                if (delay > 0)
                {
                    Thread.Sleep(delay);
                    delay = 0;
                }
                string result;
                try
                {
                    result = handler.Handle(next.Text);
                }
                catch (Exception e)
                {
                    Report(e);
                    Post(conn, Prefix + "invocation/" + id + "/error", e);
                    continue;
                }
                conn.Send("POST", Prefix + "invocation/" + id + "/response", json, Encoding.UTF8.GetBytes(result));
            }
        }

        static void Report(Exception e)
        {
            Console.Error.WriteLine(e.ToString());
        }

        static void Post(HttpConnection conn, string path, Exception e)
        {
            var sb = new StringBuilder();
            sb.Append("{\"errorMessage\":");
            Json.Quote(sb, e.Message);
            sb.Append(",\"errorType\":");
            Json.Quote(sb, ErrorType(e));
            sb.Append('}');
            var headers = new KeyValuePair<string, string>[] {
                new KeyValuePair<string, string>("Content-Type", "application/json"),
                new KeyValuePair<string, string>(HeaderErrorType, ErrorType(e)),
            };
            conn.Send("POST", path, headers, Encoding.UTF8.GetBytes(sb.ToString()));
        }

        // ErrorType names an error as .NET's Lambda runtime does: by its
        // exception's type name, or the service's error code.
        static string ErrorType(Exception e)
        {
            var s = e as ServiceException;
            return s != null ? s.Code : e.GetType().Name;
        }
    }

    // ServiceException is an error answered by an AWS service.
    sealed class ServiceException : Exception
    {
        public readonly string Code;
        public readonly int Status;

        public ServiceException(string code, string message, int status) : base(message)
        {
            Code = code;
            Status = status;
        }
    }
}
