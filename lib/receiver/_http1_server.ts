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
 * others or the server. This file accepts connections, caps them and shuts
 * down; `_http1_exchange.ts` serves each one.
 *
 * @module
 */

import { ConnectionGuard } from "./_connection_guard.ts";
import {
  type ConnectionState,
  DEFAULT_LIMITS,
  type Exchange,
  type Http1Limits,
  report,
  serveConnection,
} from "./_http1_exchange.ts";
import type { Http1Request } from "./_http1_request.ts";
import type { Http1Answer } from "./_http1_response.ts";

export type { Exchange, Http1Answer, Http1Limits };
export { DEFAULT_LIMITS };

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
interface ServerState extends ConnectionState {
  readonly options: Http1ServerOptions;
  readonly listener: Deno.TcpListener;
  closing: boolean;
  /** Connection tasks still running. */
  readonly tasks: Set<Promise<void>>;
}

const REFUSAL = new TextEncoder().encode(
  "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n" +
    'retry-after: 1\r\ncontent-length: 33\r\nconnection: close\r\n\r\n{"detail":"Too many connections"}',
);

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
