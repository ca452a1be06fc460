/**
 * The `serve` receiver: an Agnes-compatible server for the wire contract.
 * It is a test double (what the tests and the demo push to over real HTTP)
 * and a receiver for small teams and demos; production runs the Agnes
 * server. `receiver.ts` is the request handler behind the Fetch API
 * (`createReceiver`), `serve_receiver.ts` runs the same routes (`_routes.ts`)
 * on a small HTTP/1.1 server of our own (`_http1_*.ts`: bounded heads,
 * chunked and sized bodies, keep-alive, read time-outs and a connection cap,
 * which `Deno.serve` lacks). Uploads go through a streaming multipart parser
 * (`_multipart_parser.ts`) and a bounded gunzip (`_gunzip_writer.ts`) into
 * files written whole or not at all (`_store_*.ts`, `_stream_to_file.ts`);
 * `receiver_tokens.ts` reads the token file and `_request_log.ts` formats
 * the access log.
 *
 * May import: `fs/`, `format/`, `version.ts`, and `http/wire.ts` (the names
 * it shares with the client); never `push/` or `install/`. Imported by
 * `commands/` (`serve`).
 *
 * @example Serve on loopback and answer a health check
 * ```ts
 * import { serveReceiver } from "./mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dataDir = await Deno.makeTempDir();
 * let url = "";
 * const server = serveReceiver({ dataDir, tokens: new Map([["t", "me"]]), port: 0, onListen: (u) => url = u });
 * const response = await fetch(`${url}/api/health`);
 * deepStrictEqual([response.status, response.headers.get("x-agnes-accepts")], [200, "session-gzip"]);
 * await response.body?.cancel();
 * await server.shutdown();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 *
 * @module
 */

export { createReceiver, type ReceiverOptions } from "./receiver.ts";
export { type ReceiverServer, serveReceiver, type ServeReceiverOptions } from "./serve_receiver.ts";
