/**
 * The receiver's Fetch API face: a `Request` read as a
 * {@linkcode ReceiverRequest}, and a route's answer as a `Response` (what
 * `createReceiver()` hands to `Deno.serve` and the tests).
 *
 * @module
 */

import { streamSource } from "./_byte_source.ts";
import { json, type ReceiverRequest, type RouteAnswer } from "./_receiver_context.ts";

/**
 * `request` as a route reads it.
 *
 * @example
 * ```ts
 * import { receiverRequest } from "./_receiver_fetch.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const request = receiverRequest(new Request("http://x/a/b?c", { headers: { "X-Y": "1" } }));
 * deepStrictEqual([request.method, request.path, request.header("x-y"), request.body], ["GET", "/a/b", "1", null]);
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { answerResponse } from "./_receiver_fetch.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const response = answerResponse({ status: 404, body: { detail: "Not Found" } }, { "x-a": "1" });
 * deepStrictEqual([response.status, response.headers.get("x-a"), await response.json()], [404, "1", { detail: "Not Found" }]);
 * ```
 */
export function answerResponse(answer: RouteAnswer, headers: Record<string, string>): Response {
  if (!(answer instanceof Response)) return json(answer.status, answer.body, headers);
  for (const [name, value] of Object.entries(headers)) {
    if (!answer.headers.has(name)) answer.headers.set(name, value);
  }
  return answer;
}
