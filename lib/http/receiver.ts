/**
 * An Agnes-compatible receiver (the server side of the wire contract): the
 * request handler `serve` runs, and what the tests push to over real HTTP.
 *
 * Beyond the reference server: names `.`/`..` and names not ending in
 * `.jsonl` are rejected; size limits are enforced while streaming; a gzip body
 * with trailing data or several members is rejected; every file is written to
 * a temp file in its folder and renamed, so nobody sees half a transcript.
 *
 * @module
 */

import { createReceiverContext, type ReceiverOptions } from "./_receiver_context.ts";
import { answerResponse, receiverRequest } from "./_receiver_fetch.ts";
import { answerRequest } from "./_receiver_routes.ts";

export type { ReceiverOptions };

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
