"""coldstart's runtime interface client for Lambda's python3.x runtimes.

bootstrap.py starts it: `python3.x <runtime dir>/bootstrap.py`, with the code
directory as cwd; standard library only. It behaves like AWS's own client
(aws-lambda-python-runtime-interface-client, which is what /var/runtime runs):
the same handler-string parsing, error types and messages, error JSON,
stack-trace trimming, log formats and context object. Where it differs on
purpose, docs/runtimes.md says so.

Start-up cost counts in Init Duration, so the client imports little: `_socket`
(the C module under `socket`) for HTTP instead of http.client, and json and
logging, which AWS's client imports too (traceback comes with logging). It
lives in this module rather than in bootstrap.py because Python caches a
module's bytecode but compiles a __main__ script on every start.
"""

import importlib
import json
import logging
import os
import sys
import time
import traceback

import _socket

_API_PREFIX = "/2018-06-01/runtime/"
_NEXT = _API_PREFIX + "invocation/next"
_INIT_ERROR = _API_PREFIX + "init/error"

_ERROR_LOG_LINE_TERMINATE = "\r"
_ERROR_LOG_IDENT = "\u00a0"  # AWS indents logged stack traces with NO-BREAK SPACE
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
_XRAY_MAX_HEADER = 1024 * 1024

_LAMBDA_WARNING = (
    "LAMBDA_WARNING: "
    "Unhandled exception. "
    "The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, or can be applied automatically. "
    "To determine if the runtime has been updated, check the runtime version in the INIT_START log entry. "
    "If this error correlates with a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the previous runtime version. "
    "For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)


class FaultException(Exception):
    """An error of the runtime's own making, reported with its Runtime.* type."""

    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"
    LAMBDA_RUNTIME_CLIENT_ERROR = "Runtime.LambdaRuntimeClientError"

    def __init__(self, exception_type, msg, trace=None):
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


# ---------------------------------------------------------------------------
# JSON, as AWS's marshaller does it.


class DecimalStr(float):
    """A Decimal in a float's clothes, so json writes it as a number (AWS's trick)."""

    def __init__(self, value):
        self._value = value

    def __repr__(self):
        return str(self._value)


class Encoder(json.JSONEncoder):
    def __init__(self, ascii_only=None):
        if ascii_only is None:
            # AWS writes non-ASCII characters unescaped from python3.12 on.
            ascii_only = os.environ.get("AWS_EXECUTION_ENV") not in _UNESCAPED_ENVS
        super().__init__(ensure_ascii=ascii_only, allow_nan=True)

    def default(self, obj):
        # decimal is imported only when user code did, so look it up lazily.
        decimal = sys.modules.get("decimal")
        if decimal is not None and isinstance(obj, decimal.Decimal):
            if obj.is_nan():
                return float("nan")
            return DecimalStr(obj)
        return super().default(obj)


_UNESCAPED_ENVS = {"AWS_Lambda_python3.12", "AWS_Lambda_python3.13", "AWS_Lambda_python3.14"}


def to_json(obj):
    return Encoder().encode(obj)


class LambdaMarshaller(object):
    def __init__(self):
        self.jsonEncoder = Encoder()

    def unmarshal_request(self, request, content_type="application/json"):
        if content_type != "application/json":
            return request
        try:
            return json.loads(request)
        except Exception as e:
            raise FaultException(
                FaultException.UNMARSHAL_ERROR,
                "Unable to unmarshal input: {}".format(str(e)),
                None,
            )

    def marshal_response(self, response):
        if isinstance(response, bytes):
            return response, "application/unknown"
        try:
            return self.jsonEncoder.encode(response), "application/json"
        except Exception as e:
            raise FaultException(
                FaultException.MARSHAL_ERROR,
                "Unable to marshal response: {}".format(str(e)),
                None,
            )


# ---------------------------------------------------------------------------
# The Runtime API over one keep-alive HTTP/1.1 connection.
#
# Notes: /next has no timeout (the process is frozen between invokes, maybe
# for minutes), so the socket is made blocking even if user code set a default
# timeout. A reused connection that turns out closed before any reply byte is
# reopened and the request sent again, once.


class _StaleConnection(Exception):
    pass


class LambdaRuntimeClientError(Exception):
    def __init__(self, endpoint, response_code, response_body):
        self.endpoint = endpoint
        self.response_code = response_code
        self.response_body = response_body
        super().__init__(
            "Request to Lambda Runtime '{}' endpoint failed. Reason: '{}'. Response body: '{}'".format(
                endpoint, response_code, response_body
            )
        )


class InvocationRequest(object):
    def __init__(self, **kwds):
        self.__dict__.update(kwds)


class LambdaRuntimeClient(object):
    marshaller = LambdaMarshaller()

    def __init__(self, address):
        self.lambda_runtime_address = address
        host, _, port = address.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        self._host = host or "127.0.0.1"
        self._port = int(port)
        self._sock = None
        self._buf = bytearray()
        v = sys.version_info
        self._agent = "aws-lambda-python/%d.%d.%d-coldstart" % (v[0], v[1], v[2])

    # -- Runtime API calls

    def wait_next_invocation(self):
        status, headers, body = self._request("GET", _NEXT)
        if status != 200:
            raise RuntimeError("Failed to get next")
        deadline = headers.get("lambda-runtime-deadline-ms")
        return InvocationRequest(
            invoke_id=headers.get("lambda-runtime-aws-request-id", ""),
            x_amzn_trace_id=headers.get("lambda-runtime-trace-id") or None,
            invoked_function_arn=headers.get("lambda-runtime-invoked-function-arn"),
            deadline_time_in_ms=int(deadline) if deadline else 0,
            client_context=headers.get("lambda-runtime-client-context") or None,
            cognito_identity=headers.get("lambda-runtime-cognito-identity") or None,
            tenant_id=headers.get("lambda-runtime-aws-tenant-id") or None,
            content_type=headers.get("content-type") or None,
            event_body=body,
        )

    def post_invocation_result(self, invoke_id, result_data, content_type="application/json"):
        if not isinstance(result_data, bytes):
            result_data = result_data.encode("utf-8")
        status, _, _ = self._request(
            "POST",
            _API_PREFIX + "invocation/" + invoke_id + "/response",
            result_data,
            [("Content-Type", content_type)],
        )
        if not 200 <= status < 300:
            raise RuntimeError("Failed to post invocation response")

    def post_invocation_error(self, invoke_id, error_response_data, error_type, xray_fault):
        headers = [("Content-Type", "application/json"), ("Lambda-Runtime-Function-Error-Type", _header_value(error_type))]
        if xray_fault and len(xray_fault) < _XRAY_MAX_HEADER:
            headers.append(("Lambda-Runtime-Function-XRay-Error-Cause", xray_fault))
        status, _, _ = self._request(
            "POST",
            _API_PREFIX + "invocation/" + invoke_id + "/error",
            error_response_data.encode("utf-8"),
            headers,
        )
        if not 200 <= status < 300:
            raise RuntimeError("Failed to post invocation error")

    def post_init_error(self, error_response_data, error_type_override=None):
        error_type = error_type_override or error_response_data["errorType"]
        status, _, body = self._request(
            "POST",
            _INIT_ERROR,
            to_json(error_response_data).encode("utf-8"),
            [("Content-Type", "application/json"), ("Lambda-Runtime-Function-Error-Type", _header_value(error_type))],
        )
        if status != 202:
            raise LambdaRuntimeClientError(_INIT_ERROR, status, body)

    # -- HTTP/1.1

    def _request(self, method, path, body=None, headers=()):
        parts = [method, " ", path, " HTTP/1.1\r\nHost: ", self.lambda_runtime_address,
                 "\r\nUser-Agent: ", self._agent, "\r\n"]
        if body is not None:
            parts += ["Content-Length: ", str(len(body)), "\r\n"]
        for name, value in headers:
            parts += [name, ": ", value, "\r\n"]
        parts.append("\r\n")
        head = "".join(parts).encode("utf-8")
        small = body is not None and len(body) <= 65536
        if small:
            head += body
        for attempt in (0, 1):
            fresh = self._sock is None
            if fresh:
                self._connect()
            try:
                self._sock.sendall(head)
                if body and not small:
                    self._sock.sendall(body)
                return self._response()
            except (_StaleConnection, BrokenPipeError, ConnectionResetError):
                self.close()
                if fresh or attempt:
                    raise ConnectionError("the Runtime API at %s closed the connection" % self.lambda_runtime_address)
        raise AssertionError("unreachable")

    def _connect(self):
        err = None
        for family, kind, proto, _, addr in _socket.getaddrinfo(self._host, self._port, 0, _socket.SOCK_STREAM):
            s = _socket.socket(family, kind, proto)
            s.settimeout(None)
            try:
                s.connect(addr)
            except OSError as e:
                s.close()
                err = e
                continue
            try:
                s.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            except OSError:
                pass
            self._sock = s
            del self._buf[:]
            return
        raise err or OSError("cannot resolve the Runtime API address %s" % self.lambda_runtime_address)

    def close(self):
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
            self._sock = None
        del self._buf[:]

    def _fill(self):
        chunk = self._sock.recv(65536)
        if not chunk:
            raise ConnectionError("the Runtime API closed the connection mid-response")
        self._buf += chunk

    def _response(self):
        buf = self._buf
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            chunk = self._sock.recv(65536)
            if not chunk:
                if not buf:
                    raise _StaleConnection()
                raise ConnectionError("the Runtime API closed the connection mid-response")
            buf += chunk
        lines = bytes(buf[:end]).decode("utf-8", "replace").split("\r\n")
        del buf[:end + 4]
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._chunked()
        elif "content-length" in headers:
            body = self._exact(int(headers["content-length"]))
        elif status < 200 or status in (204, 304):
            body = b""
        else:  # delimited by the end of the connection
            parts = [bytes(buf)]
            del buf[:]
            while True:
                chunk = self._sock.recv(65536)
                if not chunk:
                    break
                parts.append(chunk)
            body = b"".join(parts)
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def _exact(self, n):
        buf = self._buf
        if len(buf) >= n:
            out = bytes(buf[:n])
            del buf[:n]
            return out
        out = bytearray(n)
        have = len(buf)
        out[:have] = buf
        del buf[:]
        view = memoryview(out)
        while have < n:
            k = self._sock.recv_into(view[have:])
            if not k:
                raise ConnectionError("the Runtime API closed the connection mid-response")
            have += k
        view.release()
        return bytes(out)

    def _line(self):
        while True:
            i = self._buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self._buf[:i])
                del self._buf[:i + 2]
                return line
            self._fill()

    def _chunked(self):
        parts = []
        while True:
            size = int(self._line().split(b";", 1)[0].strip(), 16)
            if size == 0:
                while self._line():  # trailers
                    pass
                return b"".join(parts)
            parts.append(self._exact(size))
            self._exact(2)


def _header_value(s):
    return str(s).replace("\r", " ").replace("\n", " ")


# ---------------------------------------------------------------------------
# The context object, as AWS's LambdaContext.

_W3C_ALLOWED_FIELDS = ("traceparent", "tracestate", "baggage")


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, epoch_deadline_time_in_ms,
                 invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, as AWS's: it is read from the environment unconverted.
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self._w3c_fields = self._extract_and_strip_w3c(client_context)

        self.client_context = make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = make_obj_from_dict(Client, self.client_context.client)

        self.identity = make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")

        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        epoch_now_in_ms = int(time.time() * 1000)
        delta_ms = self._epoch_deadline_time_in_ms - epoch_now_in_ms
        return delta_ms if delta_ms > 0 else 0

    def w3c(self):
        """Return the W3C trace context the invoke carried in its client context."""
        return dict(self._w3c_fields)

    @staticmethod
    def _extract_and_strip_w3c(client_context):
        if not isinstance(client_context, dict) or "w3c" not in client_context:
            return {}
        raw = client_context.pop("w3c")
        if not isinstance(raw, dict):
            return {}
        return {k: raw[k] for k in _W3C_ALLOWED_FIELDS if isinstance(raw.get(k), str)}

    def log(self, msg):
        for handler in logging.getLogger().handlers:
            if hasattr(handler, "log_sink"):
                handler.log_sink.log(str(msg))
                return
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "{}([aws_request_id={},log_group_name={},log_stream_name={},function_name={},"
            "memory_limit_in_mb={},function_version={},invoked_function_arn={},client_context={},"
            "identity={},tenant_id={}])"
        ).format(
            self.__class__.__name__, self.aws_request_id, self.log_group_name, self.log_stream_name,
            self.function_name, self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
            self.client_context, self.identity, self.tenant_id,
        )


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "{}([cognito_identity_id={},cognito_identity_pool_id={}])".format(
            self.__class__.__name__, self.cognito_identity_id, self.cognito_identity_pool_id)


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __repr__(self):
        return "{}([installation_id={},app_title={},app_version_name={},app_version_code={},app_package_name={}])".format(
            self.__class__.__name__, self.installation_id, self.app_title, self.app_version_name,
            self.app_version_code, self.app_package_name)


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "{}([custom={},env={},client={}])".format(self.__class__.__name__, self.custom, self.env, self.client)


def make_obj_from_dict(_class, _dict, fields=None):
    if _dict is None:
        return None
    obj = _class()
    set_obj_from_dict(obj, _dict)
    return obj


def set_obj_from_dict(obj, _dict, fields=None):
    if fields is None:
        fields = obj.__class__.__slots__
    for field in fields:
        setattr(obj, field, _dict.get(field, None))


# ---------------------------------------------------------------------------
# Output: AWS's log sink on stdout, one line per record.


class Unbuffered(object):
    """AWS wraps stdout and stderr so every write reaches the log at once."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        pass

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


class StandardLogSink(object):
    """Writes to stdout. Lambda's telemetry pipe keeps a multi-line record as
    one event; here the log is split on newlines, so a record's inner
    newlines become carriage returns (as for error reports) to stay one line."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        pass

    def log(self, msg, frame_type=None):
        sys.stdout.write(msg)

    def log_record(self, msg):
        if msg.endswith("\n"):
            msg = msg[:-1]
        sys.stdout.write(msg.replace("\r\n", "\r").replace("\n", "\r") + "\n")

    def log_error(self, message_lines):
        sys.stdout.write(_ERROR_LOG_LINE_TERMINATE.join(message_lines) + "\n")


class LambdaLoggerHandler(logging.Handler):
    def __init__(self, log_sink):
        logging.Handler.__init__(self)
        self.log_sink = log_sink

    def emit(self, record):
        self.log_sink.log_record(self.format(record))


class LambdaLoggerFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _GLOBAL_AWS_REQUEST_ID or ""
        record.tenant_id = _GLOBAL_TENANT_ID
        return True


_GLOBAL_AWS_REQUEST_ID = None
_GLOBAL_TENANT_ID = None


def _log_format():
    value = os.environ.get("AWS_LAMBDA_LOG_FORMAT")
    return "JSON" if value and value.upper() == "JSON" else "TEXT"


def _log_level():
    value = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    return {None: "", "TRACE": "DEBUG"}.get(value, value).upper()


_LOG_FORMAT = _log_format()


def _setup_logging(log_format, log_level, log_sink):
    logging.Formatter.converter = time.gmtime
    logger = logging.getLogger()
    handler = LambdaLoggerHandler(log_sink)
    if log_format == "JSON":
        handler.setFormatter(_json_formatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                "%Y-%m-%dT%H:%M:%S",
            )
        )
    if log_level in logging._nameToLevel:
        logger.setLevel(log_level)
    handler.addFilter(LambdaLoggerFilter())
    logger.addHandler(handler)


def _json_formatter():
    """AWS's JsonFormatter, for AWS_LAMBDA_LOG_FORMAT=JSON (imports only then)."""
    from datetime import datetime, timezone

    reserved = {
        "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info",
        "exc_text", "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread",
        "threadName", "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
    }
    encode = json.JSONEncoder(ensure_ascii=False).encode

    class JsonFormatter(logging.Formatter):
        def __init__(self):
            super().__init__(datefmt=_DATETIME_FORMAT)

        def formatTime(self, record, datefmt=None):
            dt = datetime.fromtimestamp(record.created, tz=timezone.utc)
            return dt.strftime(_DATETIME_FORMAT + ".%f")[:-3] + "Z"

        def format(self, record):
            record.levelno = min(50, max(0, record.levelno)) // 10 * 10
            record.levelname = logging.getLevelName(record.levelno)
            exc = record.exc_info
            result = {
                "timestamp": self.formatTime(record, self.datefmt),
                "level": record.levelname,
                "message": record.getMessage(),
                "logger": record.name,
                "stackTrace": traceback.format_tb(exc[2]) if exc else None,
                "errorType": exc[0].__name__ if exc else None,
                "errorMessage": str(exc[1]) if exc else None,
                "requestId": getattr(record, "aws_request_id", None),
                "location": "{}:{}:{}".format(record.pathname, record.funcName, record.lineno) if exc else None,
            }
            if getattr(record, "tenant_id", None) is not None:
                result["tenantId"] = record.tenant_id
            result.update(
                (k, v) for k, v in record.__dict__.items() if k not in reserved and k not in result
            )
            result = {k: v for k, v in result.items() if v is not None}
            return encode(result) + "\n"

    return JsonFormatter()


def replace_line_indentation(line, indent_char, new_indent_char):
    count = 0
    for c in line:
        if c != indent_char:
            break
        count += 1
    return (new_indent_char * count) + line[count:]


def log_error(error_result, log_sink):
    if _LOG_FORMAT == "JSON":
        record = {
            "timestamp": time.strftime(_DATETIME_FORMAT, logging.Formatter.converter(time.time())),
            "level": "ERROR",
        }
        record.update(error_result)
        log_sink.log_error([to_json(record)])
        return
    description = "[ERROR]"
    error_type = error_result.get("errorType")
    if error_type:
        description += " " + error_type
    message = error_result.get("errorMessage")
    if message:
        if error_type:
            description += ":"
        description += " " + message
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                for line in element.splitlines():
                    lines.append(replace_line_indentation(line, " ", _ERROR_LOG_IDENT))
    log_sink.log_error(lines)


def _flush():
    """Everything written so far must be in the pipe before the platform
    hears from us: it reads the log dry when it sees /next or a response."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass


# ---------------------------------------------------------------------------
# Handler loading and invoking.


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            FaultException.MALFORMED_HANDLER_NAME,
            "Bad handler '{}': {}".format(handler, str(e)),
        )

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR,
            "Unable to import module '{}': {}".format(modname, str(e)),
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, str(e)),
            trace,
        )

    try:
        request_handler = getattr(m, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND,
            "Handler '{}' missing on module '{}'".format(fname, modname),
            None,
        )
    return request_handler


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def extract_traceback(tb):
    return [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]


def _user_frames(tb):
    """The traceback from the first frame that is not the client's. AWS's
    client drops leading frames whose file name contains "/bootstrap.py",
    where its code lives; ours lives in this file too."""
    tb_tuples = extract_traceback(tb)
    for i in range(len(tb_tuples)):
        name = tb_tuples[i][0]
        if "/bootstrap.py" not in name and name != __file__:
            return tb_tuples[i:]
    return tb_tuples


def build_fault_result(exc_info, msg):
    etype, value, tb = exc_info
    return make_error(msg if msg else str(value), etype.__name__, traceback.format_list(_user_frames(tb)))


def make_xray_fault(ex_type, ex_msg, working_dir, tb_tuples):
    stack = []
    files = set()
    for tb_file, tb_line, tb_method, _ in tb_tuples:
        stack.append({"label": tb_method, "path": tb_file, "line": tb_line})
        files.add(tb_file)
    return {
        "working_directory": working_dir,
        "exceptions": [{"message": ex_msg, "type": ex_type, "stack": stack}],
        "paths": list(files),
    }


def parse_json_header(header, name):
    try:
        return json.loads(header)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR,
            "Unable to parse {} JSON: {}".format(name, str(e)),
            None,
        )


def create_lambda_context(client_context_json, cognito_identity_json, epoch_deadline_time_in_ms,
                          invoke_id, invoked_function_arn, tenant_id):
    client_context = None
    if client_context_json:
        client_context = parse_json_header(client_context_json, "Client Context")
    cognito_identity = None
    if cognito_identity_json:
        cognito_identity = parse_json_header(cognito_identity_json, "Cognito Identity")
    return LambdaContext(invoke_id, client_context, cognito_identity, epoch_deadline_time_in_ms,
                         invoked_function_arn, tenant_id)


def handle_event_request(client, request_handler, req, log_sink):
    error_result = None
    try:
        lambda_context = create_lambda_context(
            req.client_context, req.cognito_identity, req.deadline_time_in_ms,
            req.invoke_id, req.invoked_function_arn, req.tenant_id,
        )
        event = client.marshaller.unmarshal_request(req.event_body, req.content_type)
        response = request_handler(event, lambda_context)
        result, result_content_type = client.marshaller.marshal_response(response)
    except FaultException as e:
        xray_fault = make_xray_fault("LambdaValidationError", e.msg, os.getcwd(), [])
        error_result = make_error(e.msg, e.exception_type, e.trace, req.invoke_id)
    except Exception:
        etype, value, tb = sys.exc_info()
        tb_tuples = _user_frames(tb)
        xray_fault = make_xray_fault(etype.__name__, str(value), os.getcwd(), tb_tuples)
        error_result = make_error(str(value), etype.__name__, traceback.format_list(tb_tuples), req.invoke_id)
        del tb

    if error_result is not None:
        log_error(error_result, log_sink)
        _flush()
        client.post_invocation_error(
            req.invoke_id, to_json(error_result), error_result["errorType"],
            Encoder(ascii_only=True).encode(xray_fault),
        )
    else:
        _flush()
        client.post_invocation_result(req.invoke_id, result, result_content_type)


def update_xray_env_variable(xray_trace_id):
    if xray_trace_id is not None:
        os.environ["_X_AMZN_TRACE_ID"] = xray_trace_id
    elif "_X_AMZN_TRACE_ID" in os.environ:
        del os.environ["_X_AMZN_TRACE_ID"]


def run(handler, client):
    global _GLOBAL_AWS_REQUEST_ID, _GLOBAL_TENANT_ID
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    log_sink = StandardLogSink()
    try:
        _setup_logging(_LOG_FORMAT, _log_level(), log_sink)
        request_handler = _get_handler(handler)
    except Exception as e:
        if isinstance(e, FaultException):
            error_result = make_error(e.msg, e.exception_type, e.trace)
        else:
            error_result = build_fault_result(sys.exc_info(), None)
        logging.warning(_LAMBDA_WARNING)
        log_error(error_result, log_sink)
        _flush()
        client.post_init_error(error_result)
        sys.exit(1)

    while True:
        _flush()
        req = client.wait_next_invocation()
        _GLOBAL_AWS_REQUEST_ID = req.invoke_id
        _GLOBAL_TENANT_ID = req.tenant_id
        update_xray_env_variable(req.x_amzn_trace_id)
        handle_event_request(client, request_handler, req, log_sink)


def main():
    # User code is imported from the task root, which Lambda puts first on
    # sys.path; Python put this file's directory there (it is on PYTHONPATH too).
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        sys.path[0] = task_root
    else:
        sys.path.insert(0, task_root)
    client = LambdaRuntimeClient(os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"))
    run(os.environ.get("_HANDLER", ""), client)
