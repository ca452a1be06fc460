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

import { VERSION } from "../version.ts";
import { MultipartError } from "./_multipart_parser.ts";
import {
  createReceiverContext,
  drain,
  json,
  type ReceiverContext,
  type ReceiverOptions,
  UploadRejection,
  userOf,
} from "./_receiver_context.ts";
import { storeLocalMd } from "./_store_local_md.ts";
import { storeSession } from "./_store_session.ts";
import { ENDPOINTS } from "./_wire.ts";

export type { ReceiverOptions };

/** An upload route: stores what `user` sent, or throws an {@linkcode UploadRejection}. */
type Route = (context: ReceiverContext, request: Request, user: string) => Promise<Response>;

const ROUTES: Record<string, Route> = {
  [ENDPOINTS.uploadSession]: storeSession,
  [ENDPOINTS.uploadLocalMd]: storeLocalMd,
};

/** Runs an upload route, turning its refusals into the contract's answers. */
async function runRoute(
  context: ReceiverContext,
  route: Route,
  request: Request,
  user: string,
): Promise<Response> {
  try {
    const response = await route(context, request, user);
    await drain(request.body, context.drainLimit);
    for (const [name, value] of Object.entries(context.headers)) {
      if (!response.headers.has(name)) response.headers.set(name, value);
    }
    return response;
  } catch (error) {
    if (error instanceof MultipartError) {
      // Not what it claims to be: the rest is not worth reading; the server closes the connection.
      await request.body?.cancel().catch(() => {});
      return json(400, { detail: error.message }, context.headers);
    }
    await drain(request.body, context.drainLimit);
    if (error instanceof UploadRejection) {
      return json(error.status, { detail: error.detail }, context.headers);
    }
    if (request.signal.aborted) { // the client's body failed (cut off, timed out): the server answers
      return json(400, { detail: "request body failed" }, context.headers);
    }
    console.error(`receiver: ${error instanceof Error ? error.message : error}`);
    return json(500, { detail: "internal error" }, context.headers);
  }
}

/** Answers one request. */
async function handleRequest(context: ReceiverContext, request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === ENDPOINTS.health && request.method === "GET") {
    return json(200, { status: "ok", version: VERSION }, context.headers);
  }
  const route = ROUTES[pathname];
  if (route === undefined) return json(404, { detail: "Not Found" }, context.headers);
  if (request.method !== "POST") {
    return json(405, { detail: "Method Not Allowed" }, context.headers);
  }
  const user = userOf(context.tokens, request.headers.get("authorization"));
  if (user === undefined) {
    await drain(request.body, context.drainLimit);
    return json(401, { detail: "Missing or invalid Authorization header" }, context.headers);
  }
  return await runRoute(context, route, request, user);
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
  return (request) => handleRequest(context, request);
}
