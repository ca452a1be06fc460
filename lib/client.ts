/**
 * The HTTP side of push: one keep-alive client for the Agnes wire contract
 * (SPEC section 7), with uploads streamed from disk through JWT redaction and
 * optional gzip as `multipart/form-data`, so memory does not grow with the
 * size of a transcript.
 *
 * @module
 */

import { baseName } from "./_path.ts";
import { JwtRedactionStream, redactJwtBytes } from "./redact.ts";
import { VERSION } from "./version.ts";

/** What `GET /api/health` told us. */
export interface ServerInfo {
  /** Capabilities from `X-Agnes-Accepts`, e.g. `session-gzip`. */
  accepts: Set<string>;
  /** `X-Agnes-Min-Version`, when sent. */
  minVersion?: string;
  /** `X-Agnes-Latest-Version`, when sent. */
  latestVersion?: string;
}

/** The answer to one request: an HTTP status, or a network failure. */
export type HttpOutcome =
  | {
    kind: "http";
    status: number;
    /** `Retry-After` in ms, when sent and parseable. */
    retryAfterMs?: number;
    /** `Location`, on redirects. */
    location?: string;
    /** `X-Agnes-Min-Version`, when sent. */
    minVersion?: string;
  }
  | { kind: "network"; error: string };

/** How push treats an outcome (SPEC section 6). */
export type OutcomeClass = "success" | "transient" | "permanent" | "moved" | "too_old";

/**
 * Compares dotted versions numerically: negative when `a` is older than `b`.
 *
 * @example
 * ```ts
 * import { compareVersions } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(compareVersions("0.9.0", "0.10.0") < 0, true);
 * deepStrictEqual(compareVersions("1.2", "1.2.0"), 0);
 * ```
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) =>
    v.replace(/^v/, "").split(/[.+-]/).map((part) => parseInt(part, 10) || 0);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Classifies an outcome: 2xx success; 3xx the server moved; a minimum version
 * above ours means this client is too old; 401, 408, 429, 5xx and network
 * errors are transient; any other 4xx is permanent.
 *
 * @example
 * ```ts
 * import { classifyOutcome } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(classifyOutcome({ kind: "http", status: 503 }), "transient");
 * deepStrictEqual(classifyOutcome({ kind: "http", status: 413 }), "permanent");
 * deepStrictEqual(classifyOutcome({ kind: "network", error: "refused" }), "transient");
 * ```
 */
export function classifyOutcome(outcome: HttpOutcome): OutcomeClass {
  if (outcome.kind === "network") return "transient";
  const { status, minVersion } = outcome;
  if (minVersion !== undefined && compareVersions(minVersion, VERSION) > 0) return "too_old";
  if (status >= 200 && status < 300) return "success";
  if (status >= 300 && status < 400) return "moved";
  if (status === 401 || status === 408 || status === 429 || status >= 500) return "transient";
  return "permanent";
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The slowest link an upload's time-out allows for, in bytes per second. */
const SLOW_LINK_BYTES_PER_S = 256 * 1024;

/** Options for {@linkcode AgnesClient}. */
export interface AgnesClientOptions {
  /** Server base URL, e.g. `https://agnes.example.com`. */
  server: string;
  /** Bearer token; never printed. */
  token: string;
  /** Per-request time-out in ms, plus 1 s per 256 KiB uploaded. Default 30 000. */
  timeoutMs?: number;
}

/** Options for {@linkcode AgnesClient.uploadSession}. */
export interface UploadOptions {
  /** Send a gzip stream with a `.gz` part name (only when the server accepts it). */
  gzip?: boolean;
  /** Read the bytes from here instead of `path` (e.g. the resolved link target). */
  source?: string;
}

/**
 * A client for one Agnes server, reusing its connections. Close it when done.
 *
 * @example
 * ```ts ignore
 * import { AgnesClient } from "@agnes/sessions";
 *
 * using client = new AgnesClient({ server: "http://127.0.0.1:8000", token: "t" });
 * const info = await client.health();
 * const outcome = await client.uploadSession("/home/me/.claude/projects/-w/s1.jsonl", {
 *   gzip: info.accepts.has("session-gzip"),
 * });
 * console.log(outcome);
 * ```
 */
export class AgnesClient implements Disposable {
  #http = Deno.createHttpClient({ poolIdleTimeout: 30_000 });
  #options: Required<AgnesClientOptions>;

  /** Creates a client; no request is made yet. */
  constructor(options: AgnesClientOptions) {
    this.#options = { timeoutMs: 30_000, ...options, server: options.server.replace(/\/+$/, "") };
  }

  /**
   * One request: our headers, the pooled client, redirects not followed (a
   * 3xx is an answer, and the token stays with this server), and a time-out
   * that grows by 1 s per 256 KiB of body, so a slow link is not a time-out
   * forever.
   */
  #fetch(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: BodyInit },
    bodyBytes = 0,
  ): Promise<Response> {
    const timeoutMs = this.#options.timeoutMs + Math.ceil(bodyBytes / SLOW_LINK_BYTES_PER_S) * 1000;
    return fetch(`${this.#options.server}${path}`, {
      ...init,
      headers: {
        "Authorization": `Bearer ${this.#options.token}`,
        "User-Agent": `agnes-sessions/${VERSION}`,
        ...init.headers,
      },
      client: this.#http,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    } as RequestInit);
  }

  async #request(
    path: string,
    init: { method: string; headers: Record<string, string>; body: BodyInit },
    bodyBytes = 0,
  ): Promise<HttpOutcome> {
    try {
      const response = await this.#fetch(path, init, bodyBytes);
      await response.body?.cancel(); // the status is what we need; free the connection
      const outcome: HttpOutcome = { kind: "http", status: response.status };
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      if (retryAfter !== undefined) outcome.retryAfterMs = retryAfter;
      const location = response.headers.get("location");
      if (location !== null) outcome.location = location;
      const minVersion = response.headers.get("x-agnes-min-version");
      if (minVersion !== null) outcome.minVersion = minVersion;
      return outcome;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: "network", error: message.replaceAll(this.#options.token, "[token]") };
    }
  }

  /** `GET /api/health`; a failure reads as a server with no capabilities. */
  async health(): Promise<ServerInfo> {
    try {
      const response = await this.#fetch("/api/health", {});
      await response.body?.cancel();
      const header = (name: string) => response.headers.get(name) ?? undefined;
      const accepts = new Set(
        (header("x-agnes-accepts") ?? "").split(",").map((item) => item.trim()).filter(Boolean),
      );
      const info: ServerInfo = { accepts };
      const min = header("x-agnes-min-version");
      const latest = header("x-agnes-latest-version");
      if (min !== undefined) info.minVersion = min;
      if (latest !== undefined) info.latestVersion = latest;
      return info;
    } catch {
      return { accepts: new Set() };
    }
  }

  /**
   * `POST /api/upload/sessions`: sends the transcript at `path` (redacted,
   * gzipped when asked) as the `file` part named after it. A file up to
   * {@linkcode SMALL_UPLOAD_BYTES} is prepared in memory and sent with a
   * length; a larger one is streamed, so memory stays bounded.
   */
  async uploadSession(path: string, options: UploadOptions = {}): Promise<HttpOutcome> {
    const source = options.source ?? path;
    const name = baseName(path) + (options.gzip ? ".gz" : "");
    const boundary = `agnes-${crypto.randomUUID()}`;
    let body: BodyInit;
    let size: number;
    try {
      size = (await Deno.stat(source)).size;
      body = size <= SMALL_UPLOAD_BYTES
        ? multipartBlob(boundary, name, await preparedBytes(source, options.gzip ?? false))
        : multipartStream(boundary, name, await preparedStream(source, options.gzip ?? false));
    } catch (error) {
      return { kind: "network", error: `cannot read ${path}: ${(error as Error).message}` };
    }
    return await this.#request("/api/upload/sessions", {
      method: "POST",
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body,
    }, size);
  }

  /** `POST /api/upload/local-md` with `{"content": text}`. */
  uploadLocalMd(content: string): Promise<HttpOutcome> {
    return this.#request("/api/upload/local-md", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ content }),
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    this.#http.close();
  }

  /** Same as {@linkcode AgnesClient.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Files up to this size (4 MiB) are uploaded from memory: reading, redacting
 * and gzipping them whole and sending one sized body is several times faster
 * than a chunked stream for the many small transcripts a push sends. Larger
 * files are streamed.
 */
export const SMALL_UPLOAD_BYTES = 4 * 1024 * 1024;

async function preparedBytes(source: string, gzip: boolean): Promise<Uint8Array> {
  const { output } = redactJwtBytes(await Deno.readFile(source), true);
  if (!gzip) return output;
  const stream = new Blob([output as Uint8Array<ArrayBuffer>]).stream().pipeThrough(gzipStream());
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function preparedStream(source: string, gzip: boolean): Promise<ReadableStream<Uint8Array>> {
  const file = await Deno.open(source, { read: true });
  const redacted = file.readable.pipeThrough(new JwtRedactionStream());
  return gzip ? redacted.pipeThrough(gzipStream()) : redacted;
}

function partHead(boundary: string, filename: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
}

function partTail(boundary: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
}

/** A `multipart/form-data` body with one file part named `file`, from memory. */
function multipartBlob(boundary: string, filename: string, content: Uint8Array): Blob {
  return new Blob([
    partHead(boundary, filename),
    content as Uint8Array<ArrayBuffer>,
    partTail(boundary),
  ]);
}

/** A gzip `CompressionStream`, typed for byte streams. */
function gzipStream(): TransformStream<Uint8Array, Uint8Array> {
  return new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>;
}

/**
 * A `multipart/form-data` body with one file part named `file`, streamed.
 *
 * @example
 * ```ts
 * import { multipartStream } from "@agnes/sessions";
 *
 * const part = ReadableStream.from([new TextEncoder().encode("{}\n")]);
 * const text = await new Response(multipartStream("b", "s1.jsonl", part)).text();
 * console.assert(text.startsWith("--b\r\n") && text.endsWith("\r\n--b--\r\n"));
 * ```
 */
export function multipartStream(
  boundary: string,
  filename: string,
  content: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const head = partHead(boundary, filename);
  const tail = partTail(boundary);
  const reader = content.getReader();
  let stage: "head" | "body" | "done" = "head";
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === "head") {
        stage = "body";
        controller.enqueue(head);
        return;
      }
      const { value, done } = await reader.read();
      if (!done) {
        controller.enqueue(value);
        return;
      }
      stage = "done";
      controller.enqueue(tail);
      controller.close();
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
