/**
 * Running the receiver as an HTTP server, with every wait bounded: a small
 * HTTP/1.1 server of our own (`_http1_server.ts`), because `Deno.serve` has
 * no read time-outs and no connection cap. The routes read the server's
 * requests as they are and answer with JSON written straight to the
 * connection: no Fetch API objects per request.
 *
 * @module
 */

import type { Http1Request } from "./_http1_request.ts";
import { type Http1Answer, jsonAnswer } from "./_http1_response.ts";
import { DEFAULT_LIMITS, type Exchange, type Http1Limits, serveHttp1 } from "./_http1_server.ts";
import {
  createReceiverContext,
  type ReceiverContext,
  type ReceiverOptions,
  type RouteAnswer,
  userForAuthorization,
} from "./_context.ts";
import { answerResponse } from "./receiver.ts";
import { answerRequest } from "./_routes.ts";
import { formatRequestLog } from "./_request_log.ts";

/** Options for {@linkcode serveReceiver}. */
export interface ServeReceiverOptions extends ReceiverOptions {
  /** Port to listen on; 0 picks a free one. Default 8000. */
  port?: number;
  /** Address to bind. Default `127.0.0.1`. */
  hostname?: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Called once listening, with the URL. Default: prints `Listening on <url>`. */
  onListen?: (url: string) => void;
  /**
   * The longest wait for a whole request head, in ms, from the connection's
   * opening (or a kept-alive connection's next byte). Default 10 000.
   */
  headTimeoutMs?: number;
  /**
   * The longest silence while a request body is read, or while the client
   * takes an answer, in ms. Default 30 000.
   */
  bodyTimeoutMs?: number;
  /** How long a kept-alive connection may wait for its next request, in ms. Default 5 000. */
  keepAliveTimeoutMs?: number;
  /** The most connections open at once; one more is answered 503 and closed. Default 64. */
  maxConnections?: number;
  /**
   * Called with one line per answered request: UTC time, method, path,
   * status, body bytes received, milliseconds and user id (`-` when the
   * token stands for none); never the token. Default: no log.
   */
  log?: (line: string) => void;
}

/** A running receiver. */
export interface ReceiverServer extends AsyncDisposable {
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

/** The time-outs and caps from `options`, checked. */
function limitsOf(options: ServeReceiverOptions): Http1Limits {
  const limits: Http1Limits = {
    ...DEFAULT_LIMITS,
    headTimeoutMs: options.headTimeoutMs ?? DEFAULT_LIMITS.headTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_LIMITS.bodyTimeoutMs,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULT_LIMITS.keepAliveTimeoutMs,
    maxConnections: options.maxConnections ?? DEFAULT_LIMITS.maxConnections,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new RangeError(`Cannot serve with ${name} "${value}": not a positive number`);
    }
  }
  if (!Number.isInteger(limits.maxConnections)) {
    throw new RangeError(
      `Cannot serve with maxConnections "${limits.maxConnections}": not a whole number`,
    );
  }
  return limits;
}

/**
 * The receiver's headers as header lines, each `name: value\r\n`, checked
 * as the Fetch API checks them (a line break in a value is a `TypeError`).
 */
function headerLines(headers: Record<string, string>): string {
  return [...new Headers(headers)].map(([name, value]) => `${name}: ${value}\r\n`).join("");
}

/** The handler the HTTP/1.1 server runs: the routes, their answers written as plain JSON. */
function serverHandler(context: ReceiverContext): (request: Http1Request) => Promise<Http1Answer> {
  const lines = headerLines(context.headers);
  const plain = (answer: RouteAnswer): Http1Answer =>
    answer instanceof Response
      ? answerResponse(answer, context.headers)
      : jsonAnswer(answer.status, answer.body, lines);
  return async (request) => plain(await answerRequest(context, request));
}

/** Writes an exchange's log line. */
function logExchange(
  log: (line: string) => void,
  tokens: ReadonlyMap<string, string>,
  exchange: Exchange,
): void {
  const authorization = exchange.request?.header("authorization") ?? null;
  log(
    formatRequestLog({
      ...exchange,
      time: new Date(),
      user: userForAuthorization(tokens, authorization),
    }),
  );
}

/**
 * Runs the receiver as an HTTP/1.1 server on `hostname:port`, with read
 * time-outs and a connection cap (see {@linkcode ServeReceiverOptions}).
 *
 * Requires `--allow-net`, and `--allow-read`/`--allow-write` on `dataDir`.
 *
 * @throws {Error} `Cannot listen on <host>:<port>: <problem>` when it cannot bind.
 * @throws {TypeError} for a user id that is not a safe folder name, or a
 * `minVersion`, `latestVersion` or `accepts` entry that is not a valid header value.
 * @throws {RangeError} for a time-out or cap that is not a positive number.
 *
 * @example
 * ```ts
 * import { serveReceiver } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dataDir = await Deno.makeTempDir();
 * let url = "";
 * const server = serveReceiver({ dataDir, tokens: new Map([["t", "me"]]), port: 0, onListen: (u) => url = u });
 * const response = await fetch(`${url}/api/health`);
 * deepStrictEqual(response.status, 200);
 * await response.body?.cancel();
 * await server.shutdown();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export function serveReceiver(options: ServeReceiverOptions): ReceiverServer {
  const limits = limitsOf(options);
  const context = createReceiverContext(options);
  const { log, tokens } = options;
  const server = serveHttp1({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 8000,
    handler: serverHandler(context),
    limits,
    signal: options.signal,
    onExchange: log === undefined ? undefined : (exchange) => logExchange(log, tokens, exchange),
  });
  const { hostname, port } = server.addr;
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  (options.onListen ?? ((url: string) => console.log(`Listening on ${url}`)))(url);
  return server;
}
