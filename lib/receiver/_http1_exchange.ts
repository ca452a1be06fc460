/**
 * One connection of the HTTP/1.1 server (`_http1_server.ts`), served request
 * by request in order: read a head (bounded in size and time), hand the
 * request to the handler, write its answer, drain what the handler left
 * unread or close, and report each exchange. The time-outs and caps it keeps
 * to are {@linkcode Http1Limits}.
 *
 * @module
 */

import type { ConnectionGuard } from "./_connection_guard.ts";
import { concatBytes } from "./_bytes.ts";
import type { Http1Connection } from "./_http1_connection.ts";
import { HttpError } from "./_http1_error.ts";
import { findHeadEnd, MAX_HEAD_BYTES, parseRequestHead, type RequestHead } from "./_http1_head.ts";
import { Http1Request, pathOf } from "./_http1_request.ts";
import { type Http1Answer, jsonAnswer, writeAnswer } from "./_http1_response.ts";
import { canDrainForNextRequest, drainForNextRequest, openRequestBody } from "./_request_body.ts";

/** The time-outs and caps of the server (`serveHttp1`). */
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

/** What serving a connection needs of the running server. */
export interface ConnectionState {
  readonly options: {
    /** Time-outs and caps. */
    readonly limits: Http1Limits;
    /** Answers each request. */
    readonly handler: (request: Http1Request) => Promise<Http1Answer>;
    /** Called once with each answered request. */
    readonly onExchange?: ((exchange: Exchange) => void) | undefined;
  };
  readonly guard: ConnectionGuard;
  /** `http://host:port`, the base of request URLs. */
  readonly origin: string;
  /** Whether the server is shutting down (no new request on a connection). */
  readonly closing: boolean;
}

/** How much of a body is read and dropped after a closing answer, so the client sees it. */
const LINGER_BYTES = 1024 * 1024;
const LINGER_MS = 2000;

/** An error answer of the server's own. */
function errorAnswer(error: HttpError): Http1Answer {
  return jsonAnswer(error.status, { detail: error.message });
}

/** Reports an exchange to `onExchange`, never letting the callback break the connection. */
export function report(state: ConnectionState, exchange: Exchange): void {
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
  state: ConnectionState,
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
  state: ConnectionState,
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
async function answer(state: ConnectionState, request: Http1Request): Promise<Http1Answer> {
  try {
    return await state.options.handler(request);
  } catch (error) {
    console.error(`serve: ${error instanceof Error ? error.message : error}`);
    return jsonAnswer(500, { detail: "internal error" });
  }
}

/** Serves one request; `true` when the connection may take the next. */
async function exchange(
  state: ConnectionState,
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
export async function serveConnection(
  state: ConnectionState,
  connection: Http1Connection,
): Promise<void> {
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
