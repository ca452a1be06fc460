/**
 * A small HTTP/1.1 server on `Deno.listen` that feeds a handler of
 * {@linkcode Http1Request}s (the head as read, the body as a byte source):
 * what the receiver runs on. The handler answers with a `Response`, or with
 * a `PlainAnswer` written as is (no Fetch API objects on the way;
 * `toFetchRequest()` gives a handler that wants one its `Request`).
 *
 * `Deno.serve` has no read time-outs and no connection cap (a connection
 * that sent nothing, half a head, or part of a body stays open
 * indefinitely, and so does an idle kept-alive one), so a few slow clients
 * could hold the server. Here every wait is bounded:
 *
 * - a request head must arrive whole within `headTimeoutMs` of the
 *   connection opening (or, on a kept-alive connection, of its first byte),
 *   and be at most 16 KiB (431 beyond);
 * - each read of a body must bring a byte within `bodyTimeoutMs`, and each
 *   write of an answer must move within it too;
 * - a kept-alive connection waits at most `keepAliveTimeoutMs` for its next
 *   request;
 * - at most `maxConnections` are open: one more is answered 503 and closed.
 *
 * Bodies framed by `Content-Length` or chunked encoding stream to the
 * handler as it reads them (`Expect: 100-continue` is answered on its first
 * read); keep-alive and pipelined requests are served in order; a body the
 * handler left unread is drained up to `drainBytes`, else the connection is
 * closed after the answer. A failure in one connection never reaches the
 * others or the server.
 *
 * @module
 */

import { ConnectionGuard } from "./_connection_guard.ts";
import { concatBytes } from "./_bytes.ts";
import type { Http1Connection } from "./_http1_connection.ts";
import { HttpError } from "./_http1_error.ts";
import { findHeadEnd, MAX_HEAD_BYTES, parseRequestHead, type RequestHead } from "./_http1_head.ts";
import { Http1Request, pathOf } from "./_http1_request.ts";
import { type Http1Answer, jsonAnswer, writeAnswer } from "./_http1_response.ts";
import { canDrainForNextRequest, drainForNextRequest, openRequestBody } from "./_request_body.ts";

export type { Http1Answer };

/** The time-outs and caps of {@linkcode serveHttp1}. */
export interface Http1Limits {
  /** The longest wait for a whole request head, in ms. */
  headTimeoutMs: number;
  /** The longest wait for the next byte of a body (or for the client to take an answer), in ms. */
  bodyTimeoutMs: number;
  /** The longest a kept-alive connection waits for its next request, in ms. */
  keepAliveTimeoutMs: number;
  /** The most connections open at once. */
  maxConnections: number;
  /** The most bytes of a body the handler left unread that are drained to keep the connection. */
  drainBytes: number;
}

/** The defaults: 10 s for a head, 30 s of body silence, 5 s idle, 64 connections, 1 MiB drained. */
export const DEFAULT_LIMITS: Readonly<Http1Limits> = {
  headTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 64,
  drainBytes: 1024 * 1024,
};

/** One answered request, for the log. */
export interface Exchange {
  /** The method, or `-` when no head could be read. */
  method: string;
  /** The target's path (no query), or `-`. */
  path: string;
  /** The status answered. */
  status: number;
  /** Body bytes received. */
  received: number;
  /** Milliseconds from the head's arrival to the answer's end. */
  ms: number;
  /** The request the handler got, if it got one. */
  request: Http1Request | undefined;
}

/** Options for {@linkcode serveHttp1}. */
export interface Http1ServerOptions {
  /** Address to bind. */
  hostname: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** Answers each request. */
  handler: (request: Http1Request) => Promise<Http1Answer>;
  /** Time-outs and caps. */
  limits: Http1Limits;
  /** Shuts the server down when aborted. */
  signal?: AbortSignal | undefined;
  /** Called once with each answered request. */
  onExchange?: ((exchange: Exchange) => void) | undefined;
}

/** A running server: the parts of `Deno.HttpServer` the receiver's users need. */
export interface Http1Server extends AsyncDisposable {
  /** The address it listens on. */
  readonly addr: Deno.NetAddr;
  /** Settles once it has shut down and every connection is closed. */
  readonly finished: Promise<void>;
  /**
   * Stops accepting, closes idle connections, lets requests in progress
   * finish (each bounded by the time-outs), and resolves when all are closed.
   */
  shutdown(): Promise<void>;
}

/** The state of one running server, passed to every step. */
interface ServerState {
  readonly options: Http1ServerOptions;
  readonly listener: Deno.TcpListener;
  readonly guard: ConnectionGuard;
  /** `http://host:port`, the base of request URLs. */
  readonly origin: string;
  closing: boolean;
  /** Connection tasks still running. */
  readonly tasks: Set<Promise<void>>;
}

const REFUSAL = new TextEncoder().encode(
  "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n" +
    'retry-after: 1\r\ncontent-length: 33\r\nconnection: close\r\n\r\n{"detail":"Too many connections"}',
);

/** How much of a body is read and dropped after a closing answer, so the client sees it. */
const LINGER_BYTES = 1024 * 1024;
const LINGER_MS = 2000;

/** An error answer of the server's own. */
function errorAnswer(error: HttpError): Http1Answer {
  return jsonAnswer(error.status, { detail: error.message });
}

/** Reports an exchange to `onExchange`, never letting the callback break the connection. */
function report(state: ServerState, exchange: Exchange): void {
  try {
    state.options.onExchange?.(exchange);
  } catch {
    // The log is not worth a connection.
  }
}

/**
 * Reads the next request head. `undefined` when the connection should close:
 * it ended or stayed idle (nothing to answer), or the head was refused
 * (answered here with 400, 408, 431, …).
 */
async function readHead(
  state: ServerState,
  connection: Http1Connection,
  first: boolean,
): Promise<RequestHead | undefined> {
  const limits = state.options.limits;
  let deadline = first
    ? connection.openedAt + limits.headTimeoutMs
    : performance.now() + limits.keepAliveTimeoutMs;
  let bytes: Uint8Array = new Uint8Array(0);
  connection.idle = true;
  if (state.closing) return undefined; // shutting down: no new request on this connection
  try {
    for (let searched = 0;;) {
      const chunk = await connection.read(deadline);
      if (chunk === null) return undefined;
      if (connection.idle && !first) deadline = performance.now() + limits.headTimeoutMs;
      connection.idle = false;
      bytes = concatBytes(bytes, chunk);
      while (bytes[0] === 13 && bytes[1] === 10) bytes = bytes.subarray(2); // RFC 9112 §2.2
      const end = findHeadEnd(bytes, searched);
      if (end > MAX_HEAD_BYTES || (end === -1 && bytes.length > MAX_HEAD_BYTES + 3)) {
        throw new HttpError(431, `Cannot read request head: longer than ${MAX_HEAD_BYTES} bytes`);
      }
      if (end !== -1) {
        connection.unread(bytes.subarray(end + 4));
        return parseRequestHead(bytes.subarray(0, end));
      }
      searched = Math.max(0, bytes.length - 3);
    }
  } catch (error) {
    if (connection.idle || !(error instanceof HttpError)) return undefined;
    await answerAndClose(state, connection, error, performance.now());
    return undefined;
  }
}

/** Answers a request the server refuses itself, then closes (lingering). */
async function answerAndClose(
  state: ServerState,
  connection: Http1Connection,
  error: HttpError,
  started: number,
  head?: RequestHead,
): Promise<void> {
  const framing = { minor: head?.minor ?? 1, keepAlive: false, head: false, idleMs: 1000 } as const;
  await writeAnswer(connection, errorAnswer(error), framing).catch(() => {});
  report(state, {
    method: head?.method ?? "-",
    path: head === undefined ? "-" : pathOf(head.target),
    status: error.status,
    received: 0,
    ms: performance.now() - started,
    request: undefined,
  });
  await linger(connection);
}

/**
 * After a closing answer to a client that may still be sending: stop
 * writing, read and drop what arrives (bounded), then close, so the client
 * reads the answer instead of a reset.
 */
async function linger(connection: Http1Connection): Promise<void> {
  try {
    await connection.conn.closeWrite();
    const deadline = performance.now() + LINGER_MS;
    for (let dropped = 0; dropped <= LINGER_BYTES;) {
      const bytes = await connection.read(deadline);
      if (bytes === null) break;
      dropped += bytes.length;
    }
  } catch {
    // Reset, closed or out of time: close now.
  }
}

/** Refuses a target that is neither a path nor an absolute http(s) URL. */
function checkTarget(target: string): void {
  if (target.startsWith("/") || (/^https?:\/\//i.test(target) && URL.canParse(target))) return;
  throw new HttpError(400, `Cannot read request head: target "${target}" is not a path`);
}

/** Runs the handler; a throw is a 500. */
async function answer(state: ServerState, request: Http1Request): Promise<Http1Answer> {
  try {
    return await state.options.handler(request);
  } catch (error) {
    console.error(`serve: ${error instanceof Error ? error.message : error}`);
    return jsonAnswer(500, { detail: "internal error" });
  }
}

/** Serves one request; `true` when the connection may take the next. */
async function exchange(
  state: ServerState,
  connection: Http1Connection,
  head: RequestHead,
): Promise<boolean> {
  const started = performance.now();
  const limits = state.options.limits;
  const body = openRequestBody(connection, head.body, head.expectContinue, limits.bodyTimeoutMs);
  try {
    checkTarget(head.target);
  } catch (error) {
    await answerAndClose(state, connection, error as HttpError, started, head);
    return false;
  }
  const request = new Http1Request(head, state.origin, body);
  let response = await answer(state, request);
  await body.reading?.catch(() => {});
  if (body.failure !== undefined) response = errorAnswer(body.failure);
  const keepAlive = head.keepAlive && !state.closing &&
    canDrainForNextRequest(body, limits.drainBytes);
  const kept = await writeAnswer(connection, response, {
    minor: head.minor,
    keepAlive,
    head: head.method === "HEAD",
    idleMs: limits.bodyTimeoutMs,
  }).catch(() => undefined); // the client is gone or stopped reading: logged, then closed
  const reusable = kept === true && await drainForNextRequest(body, limits.drainBytes);
  report(state, {
    method: head.method,
    path: pathOf(head.target),
    status: response.status,
    received: body.received,
    ms: performance.now() - started,
    request,
  });
  if (kept !== undefined && !reusable && !body.done && body.failure?.status !== 408) {
    await linger(connection);
  }
  return reusable;
}

/** Serves a connection's requests in order until it closes or must be closed. */
async function serveConnection(state: ServerState, connection: Http1Connection): Promise<void> {
  try {
    for (let first = true;; first = false) {
      const head = await readHead(state, connection, first);
      if (head === undefined || !(await exchange(state, connection, head))) break;
      connection.recycle(); // the request is answered: its bytes are no longer used
    }
  } catch {
    // A reset or a failed write: this connection is over, the server is not.
  } finally {
    state.guard.release(connection);
  }
}

/** Answers a connection over the cap with 503 and closes it (not counted, never waited on). */
async function refuse(state: ServerState, conn: Deno.Conn): Promise<void> {
  const started = performance.now();
  try {
    await conn.write(REFUSAL); // a fresh socket's send buffer takes it at once
  } catch {
    // Gone already.
  } finally {
    conn.close();
  }
  const exchange = { method: "-", path: "-", status: 503, received: 0, request: undefined };
  report(state, { ...exchange, ms: performance.now() - started });
}

/** Runs `task` as part of the server: `finished` waits for it. */
function track(state: ServerState, task: Promise<void>): void {
  state.tasks.add(task);
  const done = () => state.tasks.delete(task);
  task.then(done, done);
}

/** Accepts connections until the listener closes. */
async function acceptLoop(state: ServerState): Promise<void> {
  for (;;) {
    let conn: Deno.Conn;
    try {
      conn = await state.listener.accept();
    } catch (error) {
      if (state.closing || error instanceof Deno.errors.BadResource) return;
      await new Promise((resolve) => setTimeout(resolve, 50)); // e.g. out of file descriptors
      continue;
    }
    const connection = state.guard.admit(conn);
    track(
      state,
      connection === undefined ? refuse(state, conn) : serveConnection(state, connection),
    );
  }
}

/** Stops accepting and closes the connections that wait for a request. */
function beginShutdown(state: ServerState): void {
  if (state.closing) return;
  state.closing = true;
  state.listener.close();
  for (const connection of state.guard.open) {
    if (connection.idle) connection.close();
  }
}

/** Resolves once the accept loop and every connection task have ended. */
async function whenAllDone(state: ServerState, accepting: Promise<void>): Promise<void> {
  await accepting;
  while (state.tasks.size > 0) await Promise.allSettled([...state.tasks]);
}

/** How a failure to bind reads: `address already in use`, …. */
function bindProblem(error: unknown): string {
  if (error instanceof Deno.errors.AddrInUse) return "address already in use";
  if (error instanceof Deno.errors.AddrNotAvailable) return "address not available";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Binds `hostname:port` and serves HTTP/1.1 with `handler` until shut down.
 *
 * Requires `--allow-net`.
 *
 * @throws {Error} `Cannot listen on <host>:<port>: <problem>` when it cannot bind.
 */
export function serveHttp1(options: Http1ServerOptions): Http1Server {
  const { hostname, port, limits } = options;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({ hostname, port, transport: "tcp" });
  } catch (error) {
    throw new Error(`Cannot listen on ${host}:${port}: ${bindProblem(error)}`, { cause: error });
  }
  const shortest = Math.min(limits.headTimeoutMs, limits.bodyTimeoutMs, limits.keepAliveTimeoutMs);
  const state: ServerState = {
    options,
    listener,
    guard: new ConnectionGuard(limits.maxConnections, Math.min(1000, Math.max(5, shortest / 4))),
    origin: `http://${host}:${listener.addr.port}`,
    closing: false,
    tasks: new Set(),
  };
  const onAbort = () => beginShutdown(state);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) beginShutdown(state);
  const finished = whenAllDone(state, acceptLoop(state)).finally(() =>
    options.signal?.removeEventListener("abort", onAbort)
  );
  const shutdown = () => {
    beginShutdown(state);
    return finished;
  };
  return { addr: listener.addr, finished, shutdown, [Symbol.asyncDispose]: shutdown };
}
