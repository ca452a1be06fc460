/**
 * What the receiver answers to a request, whatever carried it: the health
 * check, the two upload routes behind the bearer token, and the contract's
 * answers to what they refuse. `createReceiver()` runs it behind the Fetch
 * API, `serveReceiver()` on the HTTP/1.1 server directly.
 *
 * @module
 */

import { VERSION } from "../version.ts";
import { MultipartError } from "./_multipart_parser.ts";
import {
  discardRestOfBody,
  type ReceiverContext,
  type ReceiverRequest,
  type RouteAnswer,
  UploadRefusedError,
  userForAuthorization,
} from "./_context.ts";
import { storeLocalMd } from "./_store_local_md.ts";
import { storeSession } from "./_store_session.ts";
import { ENDPOINTS } from "../http/wire.ts";

/** An upload route: stores what `user` sent, or throws an {@linkcode UploadRefusedError}. */
type Route = (
  context: ReceiverContext,
  request: ReceiverRequest,
  user: string,
) => Promise<RouteAnswer>;

const ROUTES: Record<string, Route> = {
  [ENDPOINTS.uploadSession]: storeSession,
  [ENDPOINTS.uploadLocalMd]: storeLocalMd,
};

/** Runs an upload route, turning its refusals into the contract's answers. */
async function runRoute(
  context: ReceiverContext,
  route: Route,
  request: ReceiverRequest,
  user: string,
): Promise<RouteAnswer> {
  try {
    const answer = await route(context, request, user);
    await discardRestOfBody(request.body, context.drainLimit);
    return answer;
  } catch (error) {
    // Not what it claims to be: the rest is not worth reading (the server drains a little, or closes).
    if (error instanceof MultipartError) return { status: 400, body: { detail: error.message } };
    await discardRestOfBody(request.body, context.drainLimit);
    if (error instanceof UploadRefusedError) {
      return { status: error.status, body: { detail: error.detail } };
    }
    if (request.signal.aborted) { // the client's body failed (cut off, timed out): the server answers
      return { status: 400, body: { detail: "request body failed" } };
    }
    console.error(`receiver: ${error instanceof Error ? error.message : error}`);
    return { status: 500, body: { detail: "internal error" } };
  }
}

/**
 * Answers one request: health, an upload, or the contract's refusal.
 */
export async function answerRequest(
  context: ReceiverContext,
  request: ReceiverRequest,
): Promise<RouteAnswer> {
  const { path, method } = request;
  if (path === ENDPOINTS.health && method === "GET") {
    return { status: 200, body: { status: "ok", version: VERSION } };
  }
  const route = ROUTES[path];
  if (route === undefined) return { status: 404, body: { detail: "Not Found" } };
  if (method !== "POST") return { status: 405, body: { detail: "Method Not Allowed" } };
  const user = userForAuthorization(context.tokens, request.header("authorization"));
  if (user === undefined) {
    await discardRestOfBody(request.body, context.drainLimit);
    return { status: 401, body: { detail: "Missing or invalid Authorization header" } };
  }
  return await runRoute(context, route, request, user);
}
