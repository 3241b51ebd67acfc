// coldstart's Node.js runtime interface client: the bootstrap Lambda's managed
// nodejs runtimes run (/var/runtime/index.mjs), behaving as
// aws-lambda-nodejs-runtime-interface-client 3.x does, on Node's standard
// library only. Sections follow AWS's sources: Errors, LogPatch, RAPIDClient,
// UserFunction, Runtime/CallbackContext/InvokeContext, index.
//
// It is one file, as AWS's bundled client is, because it is on every cold
// start's path: each extra ES module costs about a millisecond to resolve and
// link. Response streaming, which few handlers use, is in stream.mjs and is
// imported only for a streaming handler.
//
// Startup: patch the console, load the handler named by _HANDLER from
// LAMBDA_TASK_ROOT before the first /next (so module loading, top-level await
// included, is part of Init Duration), then serve invokes forever. A failure
// while loading is an uncaught exception: it is logged as "Uncaught
// Exception", posted to /init/error, and the process exits.

import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, types } from 'node:util';

// ---- Errors (src/Errors.js): the JSON posted to the Runtime API has
// "trace", the JSON written to the log has "stack".

function isErrorLike(obj) {
  return (
    obj &&
    obj.name &&
    obj.message &&
    obj.stack &&
    typeof obj.name === 'string' &&
    typeof obj.message === 'string' &&
    typeof obj.stack === 'string'
  );
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

// toRapidResponse is the body of /invocation/<id>/error and /init/error.
function toRapidResponse(error) {
  try {
    if (types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: error.name?.replaceAll('\x7F', '%7F'),
        errorMessage: error.message?.replaceAll('\x7F', '%7F'),
        trace: error.stack.replaceAll('\x7F', '%7F').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// toFormatted is an error as the text log shows it, always after a tab.
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch (_) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// withEnumerableProperties adds an error's own (non-enumerable) name,
// message, code and stack to its enumerable properties.
function withEnumerableProperties(error) {
  if (!(error instanceof Error)) {
    return error;
  }
  const ret = Object.assign(
    { errorType: error.name, errorMessage: error.message, code: error.code },
    error,
  );
  if (typeof error.stack == 'string') {
    ret.stack = error.stack.split('\n');
  }
  return ret;
}

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class MalformedStreamingHandler extends Error {}
class InvalidStreamingOperation extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}

for (const e of [
  ImportModuleError,
  HandlerNotFound,
  MalformedHandlerName,
  UserCodeSyntaxError,
  MalformedStreamingHandler,
  InvalidStreamingOperation,
  NodeJsExit,
  UnhandledPromiseRejection,
]) {
  e.prototype.name = `Runtime.${e.name}`;
}

// ---- LogPatch (src/LogPatch.js), writing to stdout: one line per call,
// "<ISO time>\t<request id>\t<LEVEL>\t<message>" with the message's newlines
// turned into \r (or a JSON object with AWS_LAMBDA_LOG_FORMAT=JSON), filtered
// by AWS_LAMBDA_LOG_LEVEL.

// structuredConsole.logError(msg, err) writes an error the way the runtime
// reports one ("Invoke Error", "Uncaught Exception", …).
const structuredConsole = {};

// The ids live on the global object under shared symbols, as AWS's do.
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');
const TENANT_ID = Symbol.for('aws.lambda.runtime.tenantId');

function setCurrentRequestId(id) {
  globalThis[REQUEST_ID] = id;
}

function setCurrentTenantId(id) {
  globalThis[TENANT_ID] = id;
}

function jsonErrorReplacer(_, value) {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: value?.constructor?.name ?? 'UnknownError',
        errorMessage: value.message,
        stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
      },
      value,
    );
  }
  return value;
}

function formatJsonMessage(requestId, timestamp, level, tenantId, ...params) {
  const result = { timestamp, level: level.name, requestId };
  if (tenantId != undefined && tenantId != null) {
    result.tenantId = tenantId;
  }
  if (params.length === 1) {
    result.message = params[0];
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch (_) {
      result.message = format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = format(...params);
  for (const param of params) {
    if (param instanceof Error) {
      result.errorType = param?.constructor?.name ?? 'UnknownError';
      result.errorMessage = param.message;
      result.stackTrace = typeof param.stack === 'string' ? param.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}

function logText(level, message, ...params) {
  const line = `${new Date().toISOString()}\t${globalThis[REQUEST_ID]}\t${level.name}\t${format(message, ...params)}`;
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function logJSON(level, message, ...params) {
  const line = formatJsonMessage(
    globalThis[REQUEST_ID],
    new Date().toISOString(),
    level,
    globalThis[TENANT_ID],
    message,
    ...params,
  );
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

const levels = Object.freeze({
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
});

function patchConsoleWith(log) {
  const nop = () => {};
  const min = levels[process.env['AWS_LAMBDA_LOG_LEVEL']?.toUpperCase()] ?? levels.TRACE;
  const at = (level) =>
    level.priority >= min.priority ? (msg, ...params) => log(level, msg, ...params) : nop;
  console.trace = at(levels.TRACE);
  console.debug = at(levels.DEBUG);
  console.info = at(levels.INFO);
  console.log = console.info;
  console.warn = at(levels.WARN);
  console.error = at(levels.ERROR);
  console.fatal = (msg, ...params) => log(levels.FATAL, msg, ...params);
}

function patchConsole() {
  const json = process.env['AWS_LAMBDA_LOG_FORMAT']?.toUpperCase() === 'JSON';
  patchConsoleWith(json ? logJSON : logText);
  structuredConsole.logError = json
    ? (_, err) => console.error(intoError(err))
    : (msg, err) => console.error(msg, toFormatted(intoError(err)));
}

// flushStdio calls done once everything written to stdout and stderr so far
// has reached the pipe: the platform reads the pipe dry when it sees a
// Runtime API call, so it must come after the invoke's log lines.
function flushStdio(done) {
  let pending = 1;
  const one = () => {
    if (--pending === 0) done();
  };
  for (const s of [process.stdout, process.stderr]) {
    if (s.writableLength > 0 && !s.destroyed) {
      pending++;
      s.write('', one);
    }
  }
  one();
}

// ---- RAPIDClient (src/RAPIDClient.js and its native addon), on node:http
// with one keep-alive connection.
//
// Notes:
//   - /next has no timeout: the process is frozen between invokes.
//   - stdout and stderr are flushed before every call, so the platform, which
//     reads the pipe dry when it sees a call, gives each line to its invoke.
//   - Like AWS's native client, a 4xx/5xx answer to a POST is not an error
//     (the platform has decided the invoke's outcome); a broken connection
//     ends the process through the callers' error paths.

const API = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';

// The /next headers the handler's context is built from, lower-case.
const HEADER = Object.freeze({
  ClientContext: 'lambda-runtime-client-context',
  CognitoIdentity: 'lambda-runtime-cognito-identity',
  ARN: 'lambda-runtime-invoked-function-arn',
  AWSRequestId: 'lambda-runtime-aws-request-id',
  DeadlineMs: 'lambda-runtime-deadline-ms',
  XRayTrace: 'lambda-runtime-trace-id',
  TenantId: 'lambda-runtime-aws-tenant-id',
});

class RAPIDClient {
  constructor(hostPort) {
    const i = hostPort.lastIndexOf(':');
    this.hostname = hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1');
    this.port = parseInt(hostPort.slice(i + 1), 10);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  // nextInvocation resolves to {bodyJson, headers}, the headers shaped as
  // AWS's native client returns them (deadline as a number).
  nextInvocation() {
    return new Promise((resolve, reject) => {
      this._send('GET', `${API}/invocation/next`, {}, undefined, (err, res, body) => {
        if (err) {
          reject(new Error(`Failed to get next invocation, error ${err.message}`));
        } else if (res.statusCode !== 200) {
          reject(new Error(`Failed to get next invocation, error ${res.statusCode}`));
        } else {
          resolve({ bodyJson: body.toString('utf8'), headers: nextHeaders(res.headers) });
        }
      });
    });
  }

  // postInvocationResponse posts response as JSON; serialising happens at
  // once, so a value that cannot be serialised throws to the caller.
  postInvocationResponse(response, id, callback) {
    const body = serialize(response);
    this._post(`${API}/invocation/${encodeURIComponent(id)}/response`, body, {}, callback);
  }

  postInvocationError(error, id, callback) {
    const response = toRapidResponse(error);
    const body = serialize(response);
    this._post(`${API}/invocation/${encodeURIComponent(id)}/error`, body, errorTypeHeader(response), callback);
  }

  postInitError(error, callback) {
    const response = toRapidResponse(error);
    this._post(`${API}/init/error`, serialize(response), errorTypeHeader(response), callback);
  }

  // responseStreamRequest opens a streamed /response (stream.mjs).
  responseStreamRequest(id, headers, onResponse) {
    const o = this._options('POST', `${API}/invocation/${encodeURIComponent(id)}/response`);
    o.headers = headers;
    return http.request(o, onResponse);
  }

  _options(method, path) {
    return { hostname: this.hostname, port: this.port, path, method, agent: this.agent };
  }

  // _post sends body as JSON and calls callback once the answer has been
  // read, or once the request failed (the caller's next step then fails or
  // exits).
  _post(path, body, headers, callback) {
    headers = Object.assign({ 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }, headers);
    this._send('POST', path, headers, body, (err) => {
      if (err) {
        process.stderr.write(`Runtime API request ${path} failed: ${err.message}\n`);
      }
      callback();
    });
  }

  // _send makes one request, after flushing stdout and stderr, and calls
  // done(err, res, body) once. A kept-alive connection the server closed
  // while idle fails at once; such a request is sent again, once.
  _send(method, path, headers, body, done, retried) {
    flushStdio(() => {
      const o = this._options(method, path);
      o.headers = headers;
      let called = false;
      const once = (err, res, buf) => {
        if (!called) {
          called = true;
          done(err, res, buf);
        }
      };
      const req = http.request(o, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', (e) => once(e));
        res.on('end', () => once(null, res, Buffer.concat(chunks)));
      });
      req.on('error', (e) => {
        if (!called && !retried && req.reusedSocket && e.code === 'ECONNRESET') {
          called = true;
          this._send(method, path, headers, body, done, true);
          return;
        }
        once(e);
      });
      req.end(body);
    });
  }
}

function serialize(body) {
  try {
    return JSON.stringify(body === undefined ? null : body);
  } catch (_) {
    throw new Error('Unable to stringify response body');
  }
}

// errorTypeHeader names the error type for the platform, when it is a
// valid header value.
function errorTypeHeader(response) {
  const t = response.errorType;
  if (typeof t !== 'string' || t === '' || /[^\t\x20-\x7e]/.test(t)) {
    return {};
  }
  return { [ERROR_TYPE_HEADER]: t };
}

function nextHeaders(h) {
  const out = {
    [HEADER.DeadlineMs]: Number(h[HEADER.DeadlineMs]),
    [HEADER.AWSRequestId]: h[HEADER.AWSRequestId] ?? '',
    [HEADER.XRayTrace]: h[HEADER.XRayTrace] ?? '',
    [HEADER.ARN]: h[HEADER.ARN] ?? '',
  };
  for (const k of [HEADER.ClientContext, HEADER.CognitoIdentity, HEADER.TenantId]) {
    if (h[k]) {
      out[k] = h[k];
    }
  }
  return out;
}

// ---- UserFunction (src/UserFunction.js): the handler string is
// "<dir/>module.export[.nested]"; the module is tried as an extensionless
// file, then .js (CommonJS unless the nearest package.json says "type":
// "module"), .mjs, .cjs (and TypeScript files on Node 24 and later), then
// through Node's own resolution.

// The runtime's require: a missing module's message ends "Require stack:\n-
// <runtime dir>/index.mjs", as on Lambda.
const require = createRequire(import.meta.url);

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;
const RELATIVE_PATH_SUBSTRING = '..';
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';

const noGlobalAwsLambda =
  process.env['AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA'] === '1' ||
  process.env['AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA'] === 'true';

// moduleRootAndHandler splits './dir/module.nested.handler' into
// ['./dir/', 'module.nested.handler'].
function moduleRootAndHandler(fullHandlerString) {
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  return [moduleRoot, handlerString];
}

function splitHandlerString(handler) {
  const match = handler.match(FUNCTION_EXPR);
  if (!match || match.length != 3) {
    throw new MalformedHandlerName('Bad handler');
  }
  return [match[1], match[2]];
}

function resolveHandler(object, nestedProperty) {
  return nestedProperty.split('.').reduce((nested, key) => nested && nested[key], object);
}

function tryRequireFile(file, extension) {
  const p = file + (extension || '');
  return fs.existsSync(p) ? require(p) : undefined;
}

async function tryAwaitImport(file, extension) {
  const p = file + (extension || '');
  return fs.existsSync(p) ? await import(pathToFileURL(p).href) : undefined;
}

// hasFolderPackageJsonTypeModule reports whether the package.json nearest
// to folder (not looking past a node_modules folder) has "type": "module".
function hasFolderPackageJsonTypeModule(folder) {
  if (folder.endsWith('/node_modules')) {
    return false;
  }
  const pj = path.join(folder, '/package.json');
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj));
      if (pkg) {
        return pkg.type === 'module';
      }
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') {
    return false;
  }
  return hasFolderPackageJsonTypeModule(path.resolve(folder, '..'));
}

function runtimeSupportsTypeScript() {
  const major = parseInt(process.versions?.node?.split('.')[0], 10);
  return !Number.isNaN(major) && major >= 24;
}

async function tryRequire(appRoot, moduleRoot, module) {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, module);
  const ts = runtimeSupportsTypeScript();

  const extensionless = tryRequireFile(lambdaStylePath);
  if (extensionless) {
    return extensionless;
  }
  const pjHasModule = hasFolderPackageJsonTypeModule(path.resolve(path.dirname(lambdaStylePath)));
  if (!pjHasModule) {
    const loaded = tryRequireFile(lambdaStylePath, '.js');
    if (loaded) {
      return loaded;
    }
  }
  const loaded =
    (pjHasModule && (await tryAwaitImport(lambdaStylePath, '.js'))) ||
    (await tryAwaitImport(lambdaStylePath, '.mjs')) ||
    tryRequireFile(lambdaStylePath, '.cjs') ||
    (ts && !pjHasModule && tryRequireFile(lambdaStylePath, '.ts')) ||
    (ts && pjHasModule && (await tryAwaitImport(lambdaStylePath, '.ts'))) ||
    (ts && (await tryAwaitImport(lambdaStylePath, '.mts'))) ||
    (ts && tryRequireFile(lambdaStylePath, '.cts'));
  if (loaded) {
    return loaded;
  }
  // require() resolves relative to the runtime, not the task root.
  return require(require.resolve(module, { paths: [appRoot, moduleRoot] }));
}

// HttpResponseStream is for handlers (awslambda.HttpResponseStream.from):
// a JSON prelude (statusCode, headers, cookies) and 8 NUL bytes before the
// body, as AWS's src/HttpResponseStream.js.
class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType('application/vnd.awslambda.http-integration-response');
    const metadataPrelude = JSON.stringify(prelude);
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadataPrelude);
      write(new Uint8Array(8));
    };
    return underlyingStream;
  }
}

async function loadUserApp(appRoot, moduleRoot, module) {
  if (!noGlobalAwsLambda) {
    globalThis.awslambda = {
      streamifyResponse: (handler, options) => {
        handler[HANDLER_STREAMING] = STREAM_RESPONSE;
        if (typeof options?.highWaterMark === 'number') {
          handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark);
        }
        return handler;
      },
      HttpResponseStream,
    };
  }
  try {
    return await tryRequire(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new UserCodeSyntaxError(e);
    } else if (e.code !== undefined && e.code === 'MODULE_NOT_FOUND') {
      throw new ImportModuleError(e);
    }
    throw e;
  }
}

// load returns the handler function fullHandlerString names in appRoot.
async function load(appRoot, fullHandlerString) {
  if (fullHandlerString.includes(RELATIVE_PATH_SUBSTRING)) {
    throw new MalformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const [moduleRoot, moduleAndHandler] = moduleRootAndHandler(fullHandlerString);
  const [module, handlerPath] = splitHandlerString(moduleAndHandler);
  const userApp = await loadUserApp(appRoot, moduleRoot, module);
  const handlerFunc = resolveHandler(userApp, handlerPath);
  if (!handlerFunc) {
    throw new HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  }
  if (typeof handlerFunc !== 'function') {
    throw new HandlerNotFound(`${fullHandlerString} is not a function`);
  }
  return handlerFunc;
}

function isHandlerStreaming(handler) {
  const s = handler[HANDLER_STREAMING];
  if (s === undefined || s === null || s === false) {
    return false;
  }
  if (s === STREAM_RESPONSE) {
    return STREAM_RESPONSE;
  }
  throw new MalformedStreamingHandler('Only response streaming is supported.');
}

function highWaterMark(handler) {
  const h = handler[HANDLER_HIGHWATERMARK];
  if (h === undefined || h === null || h === false) {
    return undefined;
  }
  const hwm = parseInt(h);
  return isNaN(hwm) ? undefined : hwm;
}

function isAsync(handler) {
  try {
    return (
      handler &&
      typeof handler === 'function' &&
      handler.constructor &&
      handler.constructor.name === 'AsyncFunction'
    );
  } catch (_) {
    return false;
  }
}

function getHandlerMetadata(handlerFunc) {
  return {
    streaming: isHandlerStreaming(handlerFunc),
    highWaterMark: highWaterMark(handlerFunc),
    isAsync: isAsync(handlerFunc),
    argsNum: handlerFunc.length,
  };
}

// ---- Runtime (src/Runtime.js, CallbackContext.js, StreamingContext.js,
// InvokeContext.js, BeforeExitListener.js): the invoke loop and the context.
//
// Notes:
//   - An async handler's promise completes the invoke; a callback handler
//     completes it through callback(err, result), which by default waits for
//     the event loop to empty (callbackWaitsForEmptyEventLoop) — the
//     process's 'beforeExit' event is that moment.
//   - A handler that returns without completing: a non-async one answers
//     null once the event loop is empty, an async one fails with
//     Runtime.NodeJsExit.
//   - An uncaught exception or unhandled rejection during an invoke is
//     posted as the invoke's error and ends the process (exit 129 / 128).

// BeforeExitListener is the one 'beforeExit' action, kept on the global
// object under AWS's symbol.
const LISTENER = Symbol.for('aws.lambda.beforeExit');
const NO_OP = () => {};
const BeforeExitListener = {
  invoke: () => globalThis[LISTENER](),
  reset: () => (globalThis[LISTENER] = NO_OP),
  set: (listener) => (globalThis[LISTENER] = listener),
};

class Runtime {
  constructor(client, handler, handlerMetadata, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.handlerMetadata = handlerMetadata;
    this.errorCallbacks = errorCallbacks;
    this.handleOnce =
      handlerMetadata.streaming === STREAM_RESPONSE ? this.handleOnceStreaming : this.handleOnceNonStreaming;
  }

  // scheduleIteration starts the next invoke on the next turn of the loop.
  scheduleIteration() {
    setImmediate(() => {
      this.handleOnce().then(
        () => {},
        (err) => {
          console.log(`Unexpected Top Level Error: ${err.toString()}`);
          this.errorCallbacks.uncaughtException(err);
        },
      );
    });
  }

  async handleOnceNonStreaming() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeContext = new InvokeContext(headers);
    invokeContext.updateLoggingContext();
    const [callback, callbackContext, markCompleted] = buildCallbackContext(
      this.client,
      invokeContext.invokeId,
      this.scheduleIteration.bind(this),
    );
    try {
      this._setErrorCallbacks(invokeContext.invokeId);
      this._setDefaultExitListener(invokeContext.invokeId, markCompleted, this.handlerMetadata.isAsync);
      const result = this.handler(
        JSON.parse(bodyJson),
        invokeContext.attachEnvironmentData(callbackContext),
        callback,
      );
      if (isPromise(result)) {
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  async handleOnceStreaming() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeContext = new InvokeContext(headers);
    invokeContext.updateLoggingContext();
    const streamingContext = buildStreamingContext(
      this.client,
      invokeContext.invokeId,
      this.scheduleIteration.bind(this),
    );
    const { responseStream, rapidResponse, scheduleNext, fail } = streamingContext.createStream();
    delete streamingContext.createStream;
    try {
      this._setErrorCallbacks(invokeContext.invokeId);
      BeforeExitListener.set(() => this.scheduleIteration());
      const ctx = invokeContext.attachEnvironmentData(streamingContext);
      const handlerResult = this.handler(JSON.parse(bodyJson), responseStream, ctx);
      if (!isPromise(handlerResult)) {
        fail('Streaming does not support non-async handlers.', scheduleNext);
        return;
      }
      const result = await handlerResult;
      if (typeof result !== 'undefined') {
        console.warn('Streaming handlers ignore return values.');
      }
      if (rapidResponse) {
        await rapidResponse;
      }
      if (!responseStream.writableFinished) {
        fail('Response stream is not finished.', scheduleNext);
        return;
      }
      scheduleNext();
    } catch (err) {
      fail(err, scheduleNext);
    }
  }

  _setErrorCallbacks(invokeId) {
    this.errorCallbacks.uncaughtException = (error) => {
      this.client.postInvocationError(error, invokeId, () => process.exit(129));
    };
    this.errorCallbacks.unhandledRejection = (error) => {
      this.client.postInvocationError(error, invokeId, () => process.exit(128));
    };
  }

  // _setDefaultExitListener answers for a handler that returns without
  // completing the invoke, once the event loop is empty.
  _setDefaultExitListener(invokeId, markCompleted, isAsync) {
    BeforeExitListener.set(() => {
      markCompleted();
      if (isAsync) {
        const err = new NodeJsExit();
        structuredConsole.logError('Invoke Error', err);
        this.client.postInvocationError(err, invokeId, () => this.scheduleIteration());
      } else {
        this.client.postInvocationResponse(null, invokeId, () => this.scheduleIteration());
      }
    });
  }
}

function isPromise(obj) {
  return obj && obj.then && typeof obj.then === 'function';
}

// buildCallbackContext returns the handler's callback, the context's
// callbackWaitsForEmptyEventLoop/succeed/fail/done part, and a function
// marking the invoke complete. Only the first completion counts.
function buildCallbackContext(client, id, scheduleNext) {
  const postError = (err, callback) => {
    structuredConsole.logError('Invoke Error', err);
    client.postInvocationError(err, id, callback);
  };
  let isCompleteInvoked = false;
  const complete = (result, callback) => {
    if (isCompleteInvoked) {
      console.error(
        'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
      );
      return;
    }
    isCompleteInvoked = true;
    client.postInvocationResponse(result, id, callback);
  };
  let waitForEmptyEventLoop = true;

  const callback = function (err, result) {
    BeforeExitListener.reset();
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else if (!waitForEmptyEventLoop) {
      complete(result, scheduleNext);
    } else {
      BeforeExitListener.set(() => {
        setImmediate(() => complete(result, scheduleNext));
      });
    }
  };
  const done = (err, result) => {
    BeforeExitListener.reset();
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else {
      complete(result, scheduleNext);
    }
  };
  const succeed = (result) => done(null, result);
  const fail = (err) => (err === undefined || err === null ? done('handled') : done(err, null));

  let finished = false;
  const onlyFirst = (fn) =>
    function () {
      if (!finished) {
        fn.apply(null, arguments);
        finished = true;
      }
    };
  const callbackContext = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: onlyFirst(succeed),
    fail: onlyFirst(fail),
    done: onlyFirst(done),
  };
  return [onlyFirst(callback), callbackContext, () => (isCompleteInvoked = true)];
}

// streaming is stream.mjs, imported during init for a streaming handler.
let streaming;

function buildStreamingContext(client, id, scheduleNext) {
  let waitForEmptyEventLoop = true;
  const scheduleNextNow = () => {
    if (!waitForEmptyEventLoop) {
      scheduleNext();
    } else {
      BeforeExitListener.set(() => setImmediate(() => scheduleNext()));
    }
  };
  let isStreamCreated = false;
  return {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    createStream: () => {
      if (isStreamCreated) {
        throw new InvalidStreamingOperation('Cannot create stream for the same StreamingContext more than once.');
      }
      const { stream, responseDone } = streaming.createResponseStream(client, id, {
        toRapidResponse,
        InvalidStreamingOperation,
      });
      isStreamCreated = true;
      return {
        fail: (err, callback) => {
          structuredConsole.logError('Invoke Error', err);
          streaming.tryCallFail(stream, err, callback);
        },
        responseStream: stream,
        rapidResponse: responseDone,
        scheduleNext: () => {
          BeforeExitListener.reset();
          scheduleNextNow();
        },
      };
    },
  };
}

// InvokeContext turns /next's headers into the handler's context.
class InvokeContext {
  constructor(headers) {
    this.headers = headers;
  }

  get invokeId() {
    const id = this.headers[HEADER.AWSRequestId];
    if (!id) {
      throw new Error('invocation id is missing or invalid');
    }
    return id;
  }

  updateLoggingContext() {
    setCurrentRequestId(this.invokeId);
    setCurrentTenantId(this.headers[HEADER.TenantId]);
  }

  // attachEnvironmentData sets _X_AMZN_TRACE_ID and completes the context.
  attachEnvironmentData(callbackContext) {
    const trace = this.headers[HEADER.XRayTrace];
    if (trace) {
      process.env['_X_AMZN_TRACE_ID'] = trace;
    } else {
      delete process.env['_X_AMZN_TRACE_ID'];
    }
    return Object.assign(callbackContext, environmentalData(), this._headerData());
  }

  _headerData() {
    const deadline = this.headers[HEADER.DeadlineMs];
    return {
      clientContext: parseJson(this.headers[HEADER.ClientContext], 'ClientContext'),
      identity: parseJson(this.headers[HEADER.CognitoIdentity], 'CognitoIdentity'),
      invokedFunctionArn: this.headers[HEADER.ARN],
      awsRequestId: this.headers[HEADER.AWSRequestId],
      tenantId: this.headers[HEADER.TenantId],
      getRemainingTimeInMillis: function () {
        return deadline - Date.now();
      },
    };
  }
}

function environmentalData() {
  return {
    functionVersion: process.env['AWS_LAMBDA_FUNCTION_VERSION'],
    functionName: process.env['AWS_LAMBDA_FUNCTION_NAME'],
    memoryLimitInMB: process.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'],
    logGroupName: process.env['AWS_LAMBDA_LOG_GROUP_NAME'],
    logStreamName: process.env['AWS_LAMBDA_LOG_STREAM_NAME'],
  };
}

function parseJson(jsonString, name) {
  if (jsonString === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(jsonString);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

// ---- index (src/index.mjs)

async function start() {
  patchConsole();
  const client = new RAPIDClient(process.env.AWS_LAMBDA_RUNTIME_API);

  // Until the first invoke, failures are init errors; Runtime replaces
  // these with ones that fail the invoke in progress.
  const errorCallbacks = {
    uncaughtException: (error) => client.postInitError(error, () => process.exit(129)),
    unhandledRejection: (error) => client.postInitError(error, () => process.exit(128)),
  };
  process.on('uncaughtException', (error) => {
    structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    structuredConsole.logError('Unhandled Promise Rejection', error);
    errorCallbacks.unhandledRejection(error);
  });
  BeforeExitListener.reset();
  process.on('beforeExit', BeforeExitListener.invoke);

  const handler = await load(process.env.LAMBDA_TASK_ROOT || process.cwd(), process.env._HANDLER);
  const metadata = getHandlerMetadata(handler);
  if (metadata.streaming === STREAM_RESPONSE) {
    streaming = await import('./stream.mjs');
  }
  new Runtime(client, handler, metadata, errorCallbacks).scheduleIteration();
}

await start();
