/**
 * An Agnes-compatible receiver (the server side of the wire contract): the
 * request handler `serve` runs, and what the tests push to over real HTTP.
 * Also its Fetch API face: a `Request` read as a route reads it, and a
 * route's answer as a `Response` (what `createReceiver()` hands to
 * `Deno.serve`; `serve_receiver.ts` sends the same answers on its own
 * HTTP/1.1 server).
 *
 * Beyond the reference server: names `.`/`..` and names not ending in
 * `.jsonl` are rejected; size limits are enforced while streaming; a gzip body
 * with trailing data or several members is rejected; every file is written to
 * a temp file in its folder and renamed, so nobody sees half a transcript.
 *
 * @module
 */

import { streamSource } from "./_byte_source.ts";
import {
  createReceiverContext,
  type ReceiverOptions,
  type ReceiverRequest,
  type RouteAnswer,
} from "./_context.ts";
import { answerRequest } from "./_routes.ts";

export type { ReceiverOptions };

/** A JSON `Response` with `status`, `body` and `headers`. */
function jsonResponse(status: number, body: unknown, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** `request` as a route reads it. */
export function receiverRequest(request: Request): ReceiverRequest {
  return {
    method: request.method,
    path: new URL(request.url).pathname,
    header: (name) => request.headers.get(name),
    body: request.body === null ? null : streamSource(request.body),
    signal: request.signal,
  };
}

/**
 * A route's answer as a `Response` carrying `headers` (a `Response` from the
 * test hook keeps the ones it set).
 */
export function answerResponse(answer: RouteAnswer, headers: Record<string, string>): Response {
  if (!(answer instanceof Response)) return jsonResponse(answer.status, answer.body, headers);
  for (const [name, value] of Object.entries(headers)) {
    if (!answer.headers.has(name)) answer.headers.set(name, value);
  }
  return answer;
}

/**
 * Creates the receiver's request handler.
 *
 * @throws {TypeError} for a user id that is not a safe folder name.
 *
 * @example
 * ```ts
 * import { createReceiver } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dataDir = await Deno.makeTempDir();
 * const handler = createReceiver({ dataDir, tokens: new Map([["t0k3n", "alice"]]) });
 * const response = await handler(new Request("http://x/api/health"));
 * deepStrictEqual(response.headers.get("x-agnes-accepts"), "session-gzip");
 * await response.body?.cancel();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export function createReceiver(options: ReceiverOptions): (request: Request) => Promise<Response> {
  const context = createReceiverContext(options);
  return async (request) =>
    answerResponse(await answerRequest(context, receiverRequest(request)), context.headers);
}
