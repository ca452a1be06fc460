/**
 * The transport side of push: one keep-alive client for the Agnes wire
 * contract that sends requests and reports what came back, with no opinion
 * on what an answer means (that is `outcome.ts`). Every request carries the
 * bearer token and our `User-Agent`, follows no redirect, and times out.
 *
 * @module
 */

import { VERSION } from "../version.ts";
import { multipartBlob, multipartStream } from "./_multipart_body.ts";
import { describeNetworkError } from "./_network_error.ts";
import { ENDPOINTS } from "./wire.ts";

/** What `GET /api/health` told us. */
export interface ServerInfo {
  /** Capabilities from `X-Agnes-Accepts`, e.g. `session-gzip`. */
  accepts: Set<string>;
  /**
   * `X-Agnes-Min-Version`, when sent: the oldest Python `agnes` CLI the server
   * accepts. Information only: it says nothing about this tool's versions.
   */
  minVersion?: string;
  /** `X-Agnes-Latest-Version`, when sent: the Python CLI's newest version. Information only. */
  latestVersion?: string;
}

/** The answer to one request: an HTTP status and the headers that matter, or a network failure. */
export type HttpOutcome =
  | {
    kind: "http";
    status: number;
    /** `Retry-After`, when sent. */
    retryAfter?: string;
    /** `Location`, on redirects. */
    location?: string;
  }
  | { kind: "network"; error: string };

/** What {@linkcode AgnesClient.checkServer} found. */
export type ServerCheck =
  | {
    reachable: true;
    /** What the health check said. */
    info: ServerInfo;
    /** Whether the token passed: `accepted`, `rejected` (401/403), or the unexpected outcome. */
    token: "accepted" | "rejected" | HttpOutcome;
  }
  | { reachable: false; /** Why not, with the URL. */ error: string };

/** What the health check's headers say of the server. */
function serverInfoOf(headers: Headers): ServerInfo {
  const header = (name: string) => headers.get(name) ?? undefined;
  const accepts = new Set(
    (header("x-agnes-accepts") ?? "").split(",").map((item) => item.trim()).filter(Boolean),
  );
  const info: ServerInfo = { accepts };
  const [min, latest] = [header("x-agnes-min-version"), header("x-agnes-latest-version")];
  if (min !== undefined) info.minVersion = min;
  if (latest !== undefined) info.latestVersion = latest;
  return info;
}

/** What the empty-upload probe says of the token. */
function tokenVerdict(probe: HttpOutcome): "accepted" | "rejected" | HttpOutcome {
  if (probe.kind !== "http") return probe;
  if (probe.status === 401 || probe.status === 403) return "rejected";
  if (probe.status === 422 || probe.status === 400 || probe.status < 300) return "accepted";
  return probe;
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

/**
 * What {@linkcode AgnesClient.uploadSession} sends as the file part, exactly
 * as it goes on the wire (the caller redacts and gzips): bytes in memory go
 * as a sized body, a stream as a chunked one.
 */
export type UploadContent = Uint8Array | ReadableStream<Uint8Array>;

/** Options for {@linkcode AgnesClient.uploadSession}. */
export interface UploadOptions {
  /** The content is gzipped: the part is named `<name>.gz` (only when the server accepts it). */
  gzip?: boolean;
  /** How many bytes a streamed content holds, when known: the time-out grows with it. */
  size?: number;
}

/**
 * The URL requests are sent to: `server`, except that the host name
 * `localhost` is taken as `127.0.0.1` without asking a resolver (RFC 6761),
 * since it is what lets a token travel over plain http.
 */
function connectionBase(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return server; // fetch reports it
  }
  if (url.hostname.toLowerCase() !== "localhost") return server;
  url.hostname = "127.0.0.1";
  return url.href.replace(/\/+$/, "");
}

interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
}

/**
 * A client for one Agnes server, reusing its connections. Close it when done.
 *
 * @example
 * ```ts
 * import { AgnesClient, serveReceiver } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dataDir = await Deno.makeTempDir();
 * let url = "";
 * const server = serveReceiver({ dataDir, tokens: new Map([["t", "me"]]), port: 0, onListen: (u) => url = u });
 * {
 *   using client = new AgnesClient({ server: url, token: "t" });
 *   const info = await client.health();
 *   deepStrictEqual(info.accepts.has("session-gzip"), true);
 *   const outcome = await client.uploadSession("s1.jsonl", new TextEncoder().encode("{}\n"));
 *   deepStrictEqual(outcome, { kind: "http", status: 200 });
 * }
 * await server.shutdown();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export class AgnesClient implements Disposable {
  #http = Deno.createHttpClient({ poolIdleTimeout: 30_000 });
  #options: Required<AgnesClientOptions>;

  /** Creates a client; no request is made yet. */
  constructor(options: AgnesClientOptions) {
    this.#options = { timeoutMs: 30_000, ...options, server: options.server.replace(/\/+$/, "") };
    this.#base = connectionBase(this.#options.server);
  }

  /** Where requests go: the server URL, with `localhost` as `127.0.0.1`. */
  #base: string;

  /** The server this client talks to, as configured. */
  get server(): string {
    return this.#options.server;
  }

  /**
   * One request: our headers, the pooled client, redirects not followed (a
   * 3xx is an answer, and the token stays with this server), and a time-out
   * that grows by 1 s per 256 KiB of body, so a slow link is not a time-out
   * forever.
   */
  #fetch(path: string, init: RequestInit, bodyBytes = 0): Promise<Response> {
    const timeoutMs = this.#timeoutFor(bodyBytes);
    return fetch(`${this.#base}${path}`, {
      ...init,
      headers: {
        "Authorization": `Bearer ${this.#options.token}`,
        "User-Agent": `agnes-sessions/${VERSION}`,
        ...init.headers,
      },
      client: this.#http,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    } as globalThis.RequestInit);
  }

  /** Sends a request and reports its status and the headers push acts on. */
  async #request(path: string, init: RequestInit, bodyBytes = 0): Promise<HttpOutcome> {
    const timeoutMs = this.#timeoutFor(bodyBytes);
    try {
      const response = await this.#fetch(path, init, bodyBytes);
      await response.body?.cancel(); // the status is what we need; free the connection
      const outcome: HttpOutcome = { kind: "http", status: response.status };
      const header = (name: string) => response.headers.get(name) ?? undefined;
      const [retryAfter, location] = [header("retry-after"), header("location")];
      if (retryAfter !== undefined) outcome.retryAfter = retryAfter;
      if (location !== undefined) outcome.location = location;
      return outcome;
    } catch (error) {
      const message = `${describeNetworkError(error, timeoutMs)} (${this.#options.server}${path})`;
      return { kind: "network", error: message.replaceAll(this.#options.token, "[token]") };
    }
  }

  /** The time-out for a request with a body of `bodyBytes`: 1 s more per 256 KiB. */
  #timeoutFor(bodyBytes: number): number {
    return this.#options.timeoutMs + Math.ceil(bodyBytes / SLOW_LINK_BYTES_PER_S) * 1000;
  }

  /** `GET /api/health`; a failure reads as a server with no capabilities. */
  async health(): Promise<ServerInfo> {
    try {
      const response = await this.#fetch(ENDPOINTS.health, {});
      await response.body?.cancel();
      return serverInfoOf(response.headers);
    } catch {
      return { accepts: new Set() };
    }
  }

  /**
   * What `status` asks: whether the server answers its health check (and
   * what it says of itself), and whether it takes the token. The token probe
   * is an upload with no file part: refused before anything is stored, with
   * 401 for a bad token and 422 (missing part) for a good one.
   */
  async checkServer(): Promise<ServerCheck> {
    let info: ServerInfo;
    try {
      const response = await this.#fetch(ENDPOINTS.health, {});
      await response.body?.cancel();
      info = serverInfoOf(response.headers);
    } catch (error) {
      const reason = describeNetworkError(error, this.#options.timeoutMs);
      return { reachable: false, error: `${reason} (${this.#options.server}${ENDPOINTS.health})` };
    }
    const probe = await this.#request(ENDPOINTS.uploadSession, {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=agnes-probe" },
      body: "--agnes-probe--\r\n",
    });
    return { reachable: true, info, token: tokenVerdict(probe) };
  }

  /**
   * `POST /api/upload/sessions`: sends `content` as the `file` part named
   * `name` (plus `.gz` when `gzip`). Bytes are sent with a length; a stream
   * is sent chunked, so memory stays bounded. The client does not change the
   * content: redacting it is the caller's (push's) job.
   */
  async uploadSession(
    name: string,
    content: UploadContent,
    options: UploadOptions = {},
  ): Promise<HttpOutcome> {
    const filename = name + (options.gzip ? ".gz" : "");
    const boundary = `agnes-${crypto.randomUUID()}`;
    const body = content instanceof Uint8Array
      ? multipartBlob(boundary, filename, content)
      : multipartStream(boundary, filename, content);
    const size = content instanceof Uint8Array ? content.length : options.size ?? 0;
    return await this.#request(ENDPOINTS.uploadSession, {
      method: "POST",
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body,
    }, size);
  }

  /** `POST /api/upload/local-md` with `{"content": text}`. */
  uploadLocalMd(content: string): Promise<HttpOutcome> {
    return this.#request(ENDPOINTS.uploadLocalMd, {
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
