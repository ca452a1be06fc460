/**
 * Everything that crosses the wire. The client side keeps transport and
 * policy apart: `client.ts` sends requests (connection reuse, time-outs,
 * sized and streamed bodies, gzip) and reports what came back, and
 * `outcome.ts` decides what an answer means (success, transient, permanent,
 * moved, too old; `Retry-After`; the circuit breaker). Bodies are redacted on
 * the way out (`redact.ts`, `redact_stream.ts`). The server side is an Agnes-compatible receiver
 * (`receiver.ts`) with a streaming multipart parser (`_multipart_parser.ts`),
 * run by `serve_receiver.ts` on a small HTTP/1.1 server of our own
 * (`_http1_server.ts`: bounded heads, chunked and sized bodies, keep-alive,
 * read time-outs and a connection cap, which `Deno.serve` lacks). `_wire.ts`
 * holds the names both sides share.
 *
 * May import: `fs/`, `format/`, `version.ts`. Imported by `push/` and above.
 *
 * @example A client and a receiver on loopback
 * ```ts
 * import { AgnesClient, classifyOutcome, serveReceiver } from "./mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dataDir = await Deno.makeTempDir();
 * let url = "";
 * const server = serveReceiver({ dataDir, tokens: new Map([["t", "me"]]), port: 0, onListen: (u) => url = u });
 * await Deno.writeTextFile(`${dataDir}/s1.jsonl`, "{}\n");
 * {
 *   using client = new AgnesClient({ server: url, token: "t" });
 *   deepStrictEqual(classifyOutcome(await client.uploadSession(`${dataDir}/s1.jsonl`)), "success");
 * }
 * await server.shutdown();
 * await Deno.remove(dataDir, { recursive: true });
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
  type UploadOptions,
} from "./client.ts";
export { classifyOutcome, type OutcomeClass } from "./outcome.ts";
export { redactJwtBytes } from "./redact.ts";
export { JwtRedactionStream } from "./redact_stream.ts";
export { createReceiver, type ReceiverOptions } from "./receiver.ts";
export { type ReceiverServer, serveReceiver, type ServeReceiverOptions } from "./serve_receiver.ts";
