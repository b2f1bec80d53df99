"""Lambda Dock's Python runtime client: standard library only.

Runs inside an instance (the local Python image) or as a child process of the host, and serves the Lambda
Runtime API (2018-06-01) one invocation at a time as AWS's awslambdaric does: the same handler resolution,
context object, log lines, error shapes and init errors. After each invocation it writes the end line the
host waits for (src/core/runtime/client/protocol.ts) with the process's peak memory.
"""

import decimal
import json
import logging
import math
import os
import re
import resource
import socket
import sys
import time
import traceback

CLIENT_USER_AGENT = "lambda-dock-runtime/1 python"
# With each answer: the bytes written to stdout and stderr so far and the peak memory (see client/protocol.ts).
# A standby (started before its function was known) asks for its function's environment first (see
# "Standby sandboxes" in docs/ARCHITECTURE.md): the same marker and route as the Node.js client's.
STANDBY_ENV = "LAMBDA_DOCK_STANDBY"
ASSIGNMENT_PATH = "/2018-06-01/lambda-dock/assignment"
OUTPUT_TALLY_HEADER = "Lambda-Dock-Output"
ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"
UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in "
    "rare cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed "
    "runtimes, runtime updates can be triggered by a function change, or can be applied automatically. To "
    "determine if the runtime has been updated, check the runtime version in the INIT_START log entry. If this "
    "error correlates with a change in the runtime version, you may be able to mitigate this error by "
    "temporarily rolling back to the previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)
# From Python 3.12 Lambda writes non-ASCII characters of a response as they are.
UNESCAPED_RUNTIMES = {"AWS_Lambda_python3.12", "AWS_Lambda_python3.13", "AWS_Lambda_python3.14"}

_request_id = None


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


# --- the Runtime API, over plain sockets: http.client costs tens of ms of imports at every cold start ---


class RuntimeApiConnection:
    """One keep-alive HTTP/1.1 connection to the Runtime API; a request is sent, then its answer read."""

    def __init__(self, address):
        # host:port, or host:port/SECRET where the host serves this instance under a secret path prefix.
        host_port, slash, prefix = address.partition("/")
        host, _, port = host_port.rpartition(":")
        self.address = (host, int(port))
        self.prefix = ("/" + prefix.strip("/")) if slash and prefix.strip("/") else ""
        self.sock = None
        self.buffer = b""

    def send(self, method, path, body=b"", headers=None):
        lines = ["%s %s%s HTTP/1.1" % (method, self.prefix, path), "Host: %s:%d" % self.address, "User-Agent: " + CLIENT_USER_AGENT]
        if method != "GET":
            lines.append("Content-Type: application/json")
            lines.append("Content-Length: %d" % len(body))
        for name, value in (headers or {}).items():
            lines.append("%s: %s" % (name, value))
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(self.address)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    self.buffer = b""
                self.sock.sendall(data)
                return
            except OSError:
                self.close()
                if attempt == 2:
                    raise

    def receive(self):
        """(status, headers with lower-case names, body)."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        self.buffer = rest
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def _fill(self):
        chunk = self.sock.recv(65536) if self.sock else b""
        if not chunk:
            self.close()
            raise ConnectionError("the Runtime API closed the connection")
        self.buffer += chunk

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class RuntimeApiClient:
    """Two connections, so the next poll goes out while the last answer's 202 is still on its way."""

    def __init__(self, address):
        self.polls = RuntimeApiConnection(address)
        self.answers = RuntimeApiConnection(address)
        self.answer_pending = False

    def next_invocation(self):
        self.polls.send("GET", "/2018-06-01/runtime/invocation/next")
        if self.answer_pending:
            self.answer_pending = False
            self._expect(self.answers.receive(), 202, "invocation answer")
        status, headers, body = self.polls.receive()
        if status != 200:
            raise ConnectionError("Runtime API /invocation/next answered %d: %r" % (status, body[:200]))
        return headers, body

    def assignment(self):
        """A standby's function: its whole environment, when the host assigns it one (a long poll)."""
        self.polls.send("GET", ASSIGNMENT_PATH)
        status, _headers, body = self.polls.receive()
        if status != 200:
            raise ConnectionError("Runtime API %s answered %d: %r" % (ASSIGNMENT_PATH, status, body[:200]))
        return json.loads(body)["environment"]

    def post_result(self, request_id, body):
        self.answers.send("POST", "/2018-06-01/runtime/invocation/%s/response" % request_id, body, {OUTPUT_TALLY_HEADER: output_tally()})
        self.answer_pending = True

    def post_error(self, request_id, error):
        body = to_json(error).encode("utf-8")
        headers = {"Lambda-Runtime-Function-Error-Type": error["errorType"], OUTPUT_TALLY_HEADER: output_tally()}
        self.answers.send("POST", "/2018-06-01/runtime/invocation/%s/error" % request_id, body, headers)
        self.answer_pending = True

    def post_init_error(self, error):
        body = to_json(error).encode("utf-8")
        self.answers.send("POST", "/2018-06-01/runtime/init/error", body, {"Lambda-Runtime-Function-Error-Type": error["errorType"]})
        self._expect(self.answers.receive(), 202, "init error")

    @staticmethod
    def _expect(answer, status, what):
        if answer[0] != status:
            raise ConnectionError("Runtime API refused the %s: %d %r" % (what, answer[0], answer[2][:200]))


# --- JSON as Lambda writes it ---


# A Decimal is written as its own digits (awslambdaric writes str(Decimal) raw), which the standard library's
# encoder cannot do: it writes a placeholder string, replaced by the digits once encoded. The nonce keeps any
# string of the function's own from ever looking like one.
_RAW_DECIMAL = "lambda-dock-decimal-%s-" % os.urandom(8).hex()
_RAW_DECIMAL_STRING = re.compile('"(%s\\d+)"' % re.escape(_RAW_DECIMAL))


class _Encoder(json.JSONEncoder):
    def __init__(self, raw, **kwargs):
        super().__init__(**kwargs)
        self.raw = raw

    def default(self, obj):
        if isinstance(obj, decimal.Decimal):
            if obj.is_nan():
                return math.nan
            token = "%s%d" % (_RAW_DECIMAL, len(self.raw))
            self.raw[token] = str(obj)
            return token
        return super().default(obj)


def to_json(obj):
    raw = {}
    text = _Encoder(raw, ensure_ascii=os.environ.get("AWS_EXECUTION_ENV") not in UNESCAPED_RUNTIMES, allow_nan=True).encode(obj)
    return _RAW_DECIMAL_STRING.sub(lambda match: raw[match.group(1)], text) if raw else text


def marshal_response(response):
    if isinstance(response, bytes):
        return response
    try:
        return to_json(response).encode("utf-8")
    except Exception as e:
        raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)), None)


def unmarshal_request(body, content_type):
    if content_type != "application/json":
        return body
    try:
        return json.loads(body)
    except Exception as e:
        raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)), None)


# --- the context object ---


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext:
    __slots__ = ["custom", "env", "client"]


def _from_dict(cls, values):
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field))
    return obj


class LambdaContext:
    def __init__(self, request_id, client_context, cognito_identity, deadline_ms, invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = _from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _from_dict(Client, self.client_context.client)
        self.identity = _from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta = self._deadline_ms - int(time.time() * 1000)
        return delta if delta > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id={0.aws_request_id},log_group_name={0.log_group_name},"
            "log_stream_name={0.log_stream_name},function_name={0.function_name},"
            "memory_limit_in_mb={0.memory_limit_in_mb},function_version={0.function_version},"
            "invoked_function_arn={0.invoked_function_arn},client_context={0.client_context},"
            "identity={0.identity},tenant_id={0.tenant_id}])"
        ).format(self)


def _parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, str(e)), None)


# --- logs ---


class Unbuffered:
    """Flushes every write, and counts the bytes written, for the output tally the host reads."""

    def __init__(self, stream):
        self.stream = stream
        self.written = 0

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def _count(self, msg):
        if isinstance(msg, str):
            self.written += len(msg.encode(getattr(self.stream, "encoding", None) or "utf-8", getattr(self.stream, "errors", None) or "strict"))
        else:
            self.written += len(msg)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()
        self._count(msg)

    def writelines(self, msgs):
        msgs = list(msgs)
        self.stream.writelines(msgs)
        self.stream.flush()
        for msg in msgs:
            self._count(msg)


class LambdaLoggerHandler(logging.Handler):
    def emit(self, record):
        sys.stdout.write(self.format(record))


class LambdaLoggerFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        record.tenant_id = None
        return True


# LogRecord attributes that are not a caller's extra fields (a JSON line carries those beside the message).
_RECORD_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info", "exc_text",
    "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread", "threadName",
    "processName", "process", "aws_request_id", "tenant_id",
}
JSON_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def json_logs():
    return (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, as awslambdaric writes with AWS_LAMBDA_LOG_FORMAT=JSON."""

    def __init__(self):
        super().__init__(datefmt=JSON_TIME_FORMAT)

    def format(self, record):
        record.levelno = min(50, max(0, record.levelno)) // 10 * 10
        record.levelname = logging.getLevelName(record.levelno)
        exc_info = record.exc_info
        line = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc_info[2]) if exc_info else None,
            "errorType": exc_info[0].__name__ if exc_info else None,
            "errorMessage": str(exc_info[1]) if exc_info else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": "%s:%s:%d" % (record.pathname, record.funcName, record.lineno) if exc_info else None,
        }
        if getattr(record, "tenant_id", None) is not None:
            line["tenantId"] = record.tenant_id
        line.update((key, value) for key, value in record.__dict__.items() if key not in _RECORD_FIELDS and key not in line)
        line = {key: value for key, value in line.items() if value is not None}
        return json.dumps(line, ensure_ascii=False) + "\n"


def setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    if json_logs():
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(LambdaLoggerFilter())
    logger = logging.getLogger()
    level = {None: "", "TRACE": "DEBUG"}.get(os.environ.get("AWS_LAMBDA_LOG_LEVEL"), os.environ.get("AWS_LAMBDA_LOG_LEVEL", "")).upper()
    if level in logging._nameToLevel:
        logger.setLevel(level)
    logger.addHandler(handler)


def log_error(error):
    if json_logs():
        line = {"timestamp": time.strftime(JSON_TIME_FORMAT, time.gmtime()), "log_level": "ERROR", **error}
        sys.stdout.write(to_json(line) + "\n")
        return
    description = "[ERROR]"
    if error.get("errorType"):
        description += " " + error["errorType"]
    if error.get("errorMessage"):
        if error.get("errorType"):
            description += ":"
        description += " " + error["errorMessage"]
    lines = [description]
    stack_trace = error.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
                continue
            for line in element.splitlines():
                stripped = line.lstrip(" ")
                lines.append(ERROR_LOG_IDENT * (len(line) - len(stripped)) + stripped)
    sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


def output_tally():
    """The header value: bytes written to stdout and stderr since the start, and the peak memory (KB)."""
    return "stdout=%d; stderr=%d; maxrss=%d" % (
        getattr(sys.stdout, "written", 0),
        getattr(sys.stderr, "written", 0),
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    )


# --- errors ---


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message if message else "",
        "errorType": error_type if error_type else "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _user_frames(tb):
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if not frame[0].endswith("/bootstrap.py"):
            return frames[i:]
    return frames


def error_from_exception(exc_info, request_id=None):
    etype, value, tb = exc_info
    return make_error(str(value), etype.__name__, traceback.format_list(_user_frames(tb)), request_id)


# --- the handler ---


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(FaultException.BUILT_IN_MODULE_CONFLICT, "Cannot use built-in module {} as a handler module".format(modname))
        import importlib

        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname), None)


def handle_invocation(client, request_handler, headers, body):
    global _request_id
    request_id = headers.get("lambda-runtime-aws-request-id", "")
    _request_id = request_id
    trace_id = headers.get("lambda-runtime-trace-id")
    if trace_id is not None:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    error = None
    try:
        client_context = headers.get("lambda-runtime-client-context")
        cognito_identity = headers.get("lambda-runtime-cognito-identity")
        context = LambdaContext(
            request_id,
            _parse_json_header(client_context, "Client Context") if client_context else None,
            _parse_json_header(cognito_identity, "Cognito Identity") if cognito_identity else None,
            int(headers.get("lambda-runtime-deadline-ms", "0")),
            headers.get("lambda-runtime-invoked-function-arn"),
            headers.get("lambda-runtime-aws-tenant-id"),
        )
        event = unmarshal_request(body, headers.get("content-type", "application/json"))
        result = marshal_response(request_handler(event, context))
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace, request_id)
    except Exception:
        error = error_from_exception(sys.exc_info(), request_id)
    if error is not None:
        log_error(error)
        client.post_error(request_id, error)
    else:
        client.post_result(request_id, result)


def setup_path():
    """sys.path as on Lambda: the task root, then the layers' python folders, then the standard library."""
    task_root = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
    # The process backend points this at the merged layers on the host; in an image they are at /opt.
    opt = os.environ.pop("_LAMBDA_DOCK_OPT", "/opt")
    versions = []
    runtime = os.environ.get("AWS_EXECUTION_ENV", "")
    if runtime.startswith("AWS_Lambda_python"):
        versions.append(runtime[len("AWS_Lambda_python"):])
    own = "%d.%d" % sys.version_info[:2]
    if own not in versions:
        versions.append(own)
    paths = [task_root] + [os.path.join(opt, "python", "lib", "python" + v, "site-packages") for v in versions] + [os.path.join(opt, "python")]
    # The client's own folder is the script's, first on sys.path: a function sees it only where Lambda's client
    # lives there too (/var/runtime), not where Lambda Dock puts this client beside an image's own.
    own = os.path.dirname(os.path.abspath(__file__))
    if sys.path and sys.path[0] == own and own != os.environ.get("LAMBDA_RUNTIME_DIR", "/var/runtime"):
        del sys.path[0]
    sys.path[:0] = [p for p in paths if p not in sys.path]


def take_assignment(client):
    """A standby takes on its function's environment before anything reads it."""
    environment = client.assignment()
    os.environ.pop(STANDBY_ENV, None)
    os.environ.update(environment)


def main():
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write("lambda-dock runtime: AWS_LAMBDA_RUNTIME_API is not set\n")
        sys.exit(1)
    client = RuntimeApiClient(address)
    if os.environ.get(STANDBY_ENV):
        take_assignment(client)
    handler = os.environ.get("_HANDLER") or (sys.argv[1] if len(sys.argv) > 1 else "")
    setup_path()
    error = None
    try:
        setup_logging()
        request_handler = get_handler(handler)
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error = error_from_exception(sys.exc_info())
    if error is not None:
        logging.warning(UNHANDLED_WARNING)
        log_error(error)
        client.post_init_error(error)
        sys.exit(1)
    while True:
        headers, body = client.next_invocation()
        handle_invocation(client, request_handler, headers, body)


if __name__ == "__main__":
    main()
