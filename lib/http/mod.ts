/**
 * The product's HTTP client for the Agnes wire contract. It keeps transport
 * and policy apart: `client.ts` sends requests (connection reuse, time-outs,
 * sized and streamed multipart bodies) and reports what came back, and
 * `outcome.ts` decides what an answer means (success, transient, permanent,
 * moved, too old; `Retry-After`; the circuit breaker). `wire.ts` holds the
 * names the client and the receiver (`receiver/`) share. The client sends
 * what it is handed: push redacts and gzips a transcript first.
 *
 * May import: `fs/`, `format/`, `version.ts`. Imported by `push/`, `status/`
 * and `commands/`; `receiver/` imports `wire.ts` only.
 *
 * @example Upload a transcript and read the answer
 * ```ts
 * import { AgnesClient, classifyOutcome } from "./mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
 *   await request.body?.cancel();
 *   return new Response(null, { status: 503, headers: { "retry-after": "1" } });
 * });
 * {
 *   using client = new AgnesClient({ server: `http://127.0.0.1:${server.addr.port}`, token: "t" });
 *   const outcome = await client.uploadSession("s1.jsonl", new TextEncoder().encode("{}\n"));
 *   deepStrictEqual(outcome, { kind: "http", status: 503, retryAfter: "1" });
 *   deepStrictEqual(classifyOutcome(outcome), "transient");
 * }
 * await server.shutdown();
 * ```
 *
 * @module
 */

export {
  AgnesClient,
  type AgnesClientOptions,
  type HttpOutcome,
  type ServerCheck,
  type ServerInfo,
  type UploadContent,
  type UploadOptions,
} from "./client.ts";
export { classifyOutcome, type OutcomeClass } from "./outcome.ts";
