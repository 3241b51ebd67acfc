// Response streaming for awslambda.streamifyResponse handlers, as AWS's
// src/ResponseStream.js: the handler writes to a chunked POST /response with
// "Lambda-Runtime-Function-Response-Mode: streaming"; a failure is sent as
// the trailers Lambda-Runtime-Function-Error-Type and
// Lambda-Runtime-Function-Error-Body (base64 of the error JSON).
//
// index.mjs imports this module only for a streaming handler, and passes in
// what it needs from index.mjs (importing index.mjs here would be a cycle
// through its top-level await).

const HEADER_RESPONSE_MODE = 'Lambda-Runtime-Function-Response-Mode';
const TRAILER_ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';
const TRAILER_ERROR_BODY = 'Lambda-Runtime-Function-Error-Body';
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const failProps = new WeakMap();

// tryCallFail ends stream with err sent as trailers.
export function tryCallFail(stream, err, callback) {
  const fail = failProps.get(stream);
  if (typeof fail === 'function') {
    fail(err, callback);
    return true;
  }
  return false;
}

// writableStreamOnly exposes only the Writable side of the request.
function writableStreamOnly(inner) {
  const fns = [
    'cork', 'destroy', 'end', 'uncork', 'write',
    'addListener', 'emit', 'eventNames', 'getMaxListeners', 'listenerCount', 'listeners', 'off', 'on',
    'once', 'prependListener', 'prependOnceListener', 'rawListeners', 'removeAllListeners',
    'removeListener', 'setMaxListeners',
    'setContentType',
  ];
  const propsReadWrite = ['destroyed', 'writable', '_onBeforeFirstWrite'];
  const propsReadOnly = [
    'writableFinished', 'writableObjectMode', 'writableBuffer', 'writableEnded', 'writableNeedDrain',
    'writableHighWaterMark', 'writableCorked', 'writableLength',
  ];
  const stream = Object.fromEntries(fns.map((fn) => [fn, inner[fn].bind(inner)]));
  for (const prop of propsReadWrite) {
    Object.defineProperty(stream, prop, {
      get: () => inner[prop],
      set: (v) => {
        inner[prop] = v;
      },
    });
  }
  for (const prop of propsReadOnly) {
    Object.defineProperty(stream, prop, { get: () => inner[prop] });
  }
  return stream;
}

// createResponseStream opens the streamed /response for invoke id through
// client (index.mjs's RAPIDClient) and returns the handler's stream and a
// promise of the platform's answer. deps: {toRapidResponse,
// InvalidStreamingOperation} from index.mjs.
export function createResponseStream(client, id, deps) {
  let ready = true; // nothing written yet
  const headers = {
    [HEADER_RESPONSE_MODE]: 'streaming',
    Trailer: [TRAILER_ERROR_TYPE, TRAILER_ERROR_BODY],
    'Content-Type': DEFAULT_CONTENT_TYPE,
  };
  let responseDoneResolve, responseDoneReject;
  const responseDone = new Promise((resolve, reject) => {
    responseDoneResolve = resolve;
    responseDoneReject = reject;
  });
  const req = client.responseStreamRequest(id, headers, (res) => {
    let buf;
    res.on('data', (chunk) => {
      buf = buf === undefined ? chunk : Buffer.concat([buf, chunk]);
    });
    res.on('aborted', (err) => {
      responseDoneReject(err);
      req.destroy(err);
    });
    res.on('end', () => responseDoneResolve(buf));
  });
  req.on('error', (err) => {
    responseDoneReject(err);
    req.destroy(err);
  });

  req.setContentType = function (contentType) {
    if (!ready) {
      throw new deps.InvalidStreamingOperation('Cannot set content-type, too late.');
    }
    req.setHeader('Content-Type', contentType);
  };
  const origWrite = req.write.bind(req);
  req.write = function (chunk, encoding, callback) {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk) && chunk?.constructor !== Uint8Array) {
      chunk = JSON.stringify(chunk);
    }
    if (ready && typeof this._onBeforeFirstWrite === 'function') {
      this._onBeforeFirstWrite((ch) => origWrite(ch));
    }
    const ret = origWrite(chunk, encoding, callback);
    ready = false;
    return ret;
  };

  const stream = writableStreamOnly(req);
  failProps.set(stream, (err, callback) => {
    const error = deps.toRapidResponse(err);
    req.addTrailers({
      [TRAILER_ERROR_TYPE]: error.errorType,
      [TRAILER_ERROR_BODY]: Buffer.from(JSON.stringify(error)).toString('base64'),
    });
    req.end(callback);
  });
  return { stream, responseDone };
}
