/**
 * An Agnes-compatible receiver (SPEC section 7, server side): what `serve`
 * runs, and what the tests push to over real HTTP.
 *
 * Beyond the reference server: names `.`/`..` and names not ending in
 * `.jsonl` are rejected; size limits are enforced while streaming; a gzip body
 * with trailing data or several members is rejected; every file is written to
 * a temp file in its folder and renamed, so nobody sees half a transcript.
 *
 * @module
 */

import { MultipartError, parseContentDisposition, parseMultipart } from "./multipart_parser.ts";
import { UPLOAD_NAME } from "./path_safety.ts";
import { writeFileAtomic } from "./text_file.ts";
import { VERSION } from "./version.ts";

const MIB = 1024 * 1024;

/** Options for {@linkcode createReceiver}. */
export interface ReceiverOptions {
  /** Where uploads are stored: `<dataDir>/user_sessions/<user>/<name>`. */
  dataDir: string;
  /** Bearer tokens and the user id each stands for. */
  tokens: ReadonlyMap<string, string>;
  /** Largest file part, in bytes as sent. Default 50 MiB. */
  maxUploadBytes?: number;
  /** Largest decompressed transcript, in bytes. Default 50 MiB. */
  maxDecompressedBytes?: number;
  /** Capabilities sent as `X-Agnes-Accepts`. Default `["session-gzip"]`. */
  accepts?: readonly string[];
  /** Sent as `X-Agnes-Min-Version` on every response, when set. */
  minVersion?: string;
  /**
   * Test hook: consulted once an upload's file name is known (without `.gz`);
   * a response it returns is sent instead of storing the file (the body is
   * still drained).
   */
  scripted?: (filename: string, upload: { gzip: boolean }) => Response | undefined;
}

const USER_ID = /^[A-Za-z0-9._@-]{1,200}$/;

function json(status: number, body: unknown, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** An upload failure with the status and detail the contract names. */
class UploadRejection extends Error {
  constructor(readonly status: number, readonly detail: string) {
    super(detail);
  }
}

/** Reads a body to its end, discarding at most `limit` bytes (so the client sees our answer). */
async function drain(body: ReadableStream<Uint8Array> | null, limit: number): Promise<void> {
  if (body === null) return;
  try {
    const reader = body.getReader();
    let total = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      total += value.length;
      if (total > limit) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // Already consumed or broken: nothing more to drain.
  }
}

/** Counts bytes through a stream, failing with `rejection` past `limit`. */
function byteLimit(
  limit: number,
  rejection: () => UploadRejection,
): TransformStream<Uint8Array, Uint8Array> {
  let total = 0;
  return new TransformStream({
    transform(chunk, controller) {
      total += chunk.length;
      if (total > limit) throw rejection();
      controller.enqueue(chunk);
    },
  });
}

/**
 * Creates the receiver's request handler.
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
  const maxUpload = options.maxUploadBytes ?? 50 * MIB;
  const maxDecompressed = options.maxDecompressedBytes ?? 50 * MIB;
  const drainLimit = Math.max(maxUpload, maxDecompressed) * 2 + MIB;
  const tooLarge = `File too large (max ${Math.round(maxUpload / MIB)}MB)`;
  const decompressedTooLarge = `Decompressed content too large (max ${
    Math.round(maxDecompressed / MIB)
  }MB)`;
  for (const user of options.tokens.values()) {
    if (!USER_ID.test(user)) {
      throw new TypeError(`Cannot serve user id ${JSON.stringify(user)}: not a safe folder name`);
    }
  }
  const common: Record<string, string> = {
    "x-agnes-accepts": (options.accepts ?? ["session-gzip"]).join(","),
    "x-agnes-latest-version": VERSION,
    ...(options.minVersion === undefined ? {} : { "x-agnes-min-version": options.minVersion }),
  };

  function userOf(request: Request): string | undefined {
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "");
    return match ? options.tokens.get(match[1]!.trim()) : undefined;
  }

  async function storeSession(request: Request, user: string): Promise<Response> {
    const type = request.headers.get("content-type") ?? "";
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
    if (
      !type.toLowerCase().startsWith("multipart/form-data") || boundary === null ||
      request.body === null
    ) {
      throw new UploadRejection(422, "field required: file");
    }
    const folder = `${options.dataDir}/user_sessions/${user}`;
    let stored: { filename: string; size: number } | undefined;
    let scripted: Response | undefined;
    let pending: Promise<void> | undefined;
    let seenFile = false; // only the first `file` part counts
    await parseMultipart(request.body, boundary[1] ?? boundary[2]!, async (headers) => {
      const { name, filename } = parseContentDisposition(headers.get("content-disposition") ?? "");
      if (name !== "file" || seenFile) return undefined;
      seenFile = true;
      const gzip = filename?.endsWith(".gz") ?? false;
      const target = gzip ? filename!.slice(0, -3) : filename ?? "";
      if (!UPLOAD_NAME.test(target) || target === "." || target === "..") {
        throw new UploadRejection(400, "filename must match [A-Za-z0-9._-]{1,200}");
      }
      if (!target.endsWith(".jsonl")) throw new UploadRejection(400, "filename must end in .jsonl");
      scripted = options.scripted?.(target, { gzip });
      if (scripted !== undefined) return undefined;
      await Deno.mkdir(folder, { recursive: true });
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      let content = readable.pipeThrough(
        byteLimit(maxUpload, () => new UploadRejection(413, tooLarge)),
      );
      if (gzip) {
        content = content
          .pipeThrough(
            new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
          )
          .pipeThrough(
            byteLimit(maxDecompressed, () => new UploadRejection(413, decompressedTooLarge)),
          );
      }
      pending = writeAtomically(folder, target, content).then((size) => {
        stored = { filename: target, size };
      }, (error) => {
        // DecompressionStream fails with a TypeError on corrupt, truncated,
        // multi-member or trailing-data input.
        throw gzip && !(error instanceof UploadRejection)
          ? new UploadRejection(400, "invalid_gzip")
          : error;
      });
      pending.catch(() => {}); // awaited below
      return writable.getWriter();
    }).catch(async (error) => {
      // The sink's own failure says more than the write it broke.
      throw (await pending?.then(() => undefined, (sinkError) => sinkError)) ?? error;
    });
    await pending;
    if (scripted !== undefined) return scripted;
    if (stored === undefined) throw new UploadRejection(422, "field required: file");
    return json(200, { status: "ok", filename: stored.filename, size: stored.size }, common);
  }

  async function storeLocalMd(request: Request, user: string): Promise<Response> {
    let payload: unknown;
    try {
      const text = await new Response(
        request.body?.pipeThrough(byteLimit(maxUpload, () => new UploadRejection(413, tooLarge))),
      ).text();
      payload = JSON.parse(text);
    } catch (error) {
      if (error instanceof UploadRejection) throw error;
      throw new UploadRejection(422, "invalid JSON body");
    }
    const content = (payload as { content?: unknown } | null)?.content;
    if (typeof content !== "string") throw new UploadRejection(422, "field required: content");
    const folder = `${options.dataDir}/local_md/${user}`;
    await Deno.mkdir(folder, { recursive: true });
    await writeFileAtomic(`${folder}/CLAUDE.local.md`, content);
    return json(200, { status: "ok", user, size: content.length }, common);
  }

  return async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname === "/api/health" && request.method === "GET") {
      return json(200, { status: "ok", version: VERSION }, common);
    }
    const routes: Record<string, typeof storeSession> = {
      "/api/upload/sessions": storeSession,
      "/api/upload/local-md": storeLocalMd,
    };
    const route = routes[pathname];
    if (route === undefined) return json(404, { detail: "Not Found" }, common);
    if (request.method !== "POST") return json(405, { detail: "Method Not Allowed" }, common);
    const user = userOf(request);
    if (user === undefined) {
      await drain(request.body, drainLimit);
      return json(401, { detail: "Missing or invalid Authorization header" }, common);
    }
    try {
      const response = await route(request, user);
      await drain(request.body, drainLimit);
      for (const [name, value] of Object.entries(common)) {
        if (!response.headers.has(name)) response.headers.set(name, value);
      }
      return response;
    } catch (error) {
      await drain(request.body, drainLimit);
      if (error instanceof UploadRejection) {
        return json(error.status, { detail: error.detail }, common);
      }
      if (error instanceof MultipartError) return json(400, { detail: error.message }, common);
      console.error(`receiver: ${error instanceof Error ? error.message : error}`);
      return json(500, { detail: "internal error" }, common);
    }
  };
}

/** Streams `content` into a temp file in `folder`, then renames it to `name`. */
async function writeAtomically(
  folder: string,
  name: string,
  content: ReadableStream<Uint8Array>,
): Promise<number> {
  const temp = `${folder}/.${name}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const file = await Deno.open(temp, { write: true, createNew: true });
  let size = 0;
  try {
    const counted = content.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
    await counted.pipeTo(file.writable); // closes the file
    await Deno.rename(temp, `${folder}/${name}`);
    return size;
  } catch (error) {
    try {
      file.close();
    } catch {
      // pipeTo already closed it.
    }
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

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
 *
 * const dataDir = await Deno.makeTempDir();
 * const server = serveReceiver({ dataDir, tokens: new Map([["t", "me"]]), port: 0, onListen() {} });
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
