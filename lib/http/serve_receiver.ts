/**
 * Running the receiver as an HTTP server.
 *
 * @module
 */

import { createReceiver, type ReceiverOptions } from "./receiver.ts";

/** Options for {@linkcode serveReceiver}. */
export interface ServeReceiverOptions extends ReceiverOptions {
  /** Port to listen on; 0 picks a free one. Default 8000. */
  port?: number;
  /** Address to bind. Default `127.0.0.1`. */
  hostname?: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Called once listening, with the URL. */
  onListen?: (url: string) => void;
}

/**
 * Runs the receiver with `Deno.serve`.
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
export function serveReceiver(options: ServeReceiverOptions): Deno.HttpServer<Deno.NetAddr> {
  const handler = createReceiver(options);
  return Deno.serve({
    port: options.port ?? 8000,
    hostname: options.hostname ?? "127.0.0.1",
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onListen: ({ hostname, port }) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      (options.onListen ?? ((url: string) => console.log(`Listening on ${url}`)))(
        `http://${host}:${port}`,
      );
    },
  }, handler);
}
