/**
 * What every receiver route shares: the options with their defaults filled
 * in, the headers sent on every answer, the request a route reads and the
 * answer it gives, and the helpers that enforce limits while a body streams.
 *
 * @module
 */

import type { ByteSource } from "./_byte_source.ts";
import { GZIP_CAPABILITY } from "../http/wire.ts";

const MIB = 1024 * 1024;

/** Options for {@linkcode createReceiverContext} (and so for `createReceiver`). */
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
  /** Sent as `X-Agnes-Min-Version` on every response, when set: a Python CLI version. */
  minVersion?: string;
  /**
   * Sent as `X-Agnes-Latest-Version` on every response, when set: a Python CLI
   * version (this receiver has no Python CLI to speak of, so none by default).
   */
  latestVersion?: string;
  /**
   * Test hook: consulted once an upload's file name is known (without `.gz`);
   * a response it returns is sent instead of storing the file (the body is
   * still drained).
   */
  scripted?: (filename: string, upload: { gzip: boolean }) => Response | undefined;
}

/** The receiver's settled configuration, passed to every route. */
export interface ReceiverContext {
  /** Where uploads are stored. */
  dataDir: string;
  /** Bearer tokens and the user id each stands for. */
  tokens: ReadonlyMap<string, string>;
  /** Largest file part as sent, in bytes. */
  maxUploadBytes: number;
  /** Largest decompressed transcript, in bytes. */
  maxDecompressedBytes: number;
  /** How much of a refused body is read and discarded so the client sees the answer. */
  drainLimit: number;
  /** The 413 detail for a body over `maxUploadBytes`. */
  tooLarge: string;
  /** The 413 detail for gzip content over `maxDecompressedBytes`. */
  decompressedTooLarge: string;
  /** Headers sent on every answer. */
  headers: Record<string, string>;
  /** The test hook of {@linkcode ReceiverOptions.scripted}. */
  scripted: ReceiverOptions["scripted"];
}

/**
 * What a route reads of a request. The HTTP/1.1 server's request is one as
 * it is; a Fetch API `Request` is adapted by `receiverRequest()`
 * (`receiver.ts`).
 */
export interface ReceiverRequest {
  /** The method. */
  readonly method: string;
  /** The URL's path. */
  readonly path: string;
  /** A header's value (any case), or `null`. */
  header(name: string): string | null;
  /** The body, or `null`. */
  readonly body: ByteSource | null;
  /** Aborted when reading the body failed (cut off, timed out). */
  readonly signal: AbortSignal;
}

/** A route's answer: a status and a JSON body (the receiver's headers are added when it is sent). */
export interface JsonAnswer {
  /** The status code. */
  readonly status: number;
  /** What is sent as JSON. */
  readonly body: unknown;
}

/** What a route answers: JSON, or a `Response` from the test hook. */
export type RouteAnswer = JsonAnswer | Response;

const USER_ID = /^[A-Za-z0-9._@-]{1,200}$/;

/**
 * The user a request's `Authorization: Bearer <token>` header stands for,
 * or `undefined`.
 */
export function userForAuthorization(
  tokens: ReadonlyMap<string, string>,
  authorization: string | null,
): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  return match ? tokens.get(match[1]!.trim()) : undefined;
}

/**
 * Settles the receiver's options.
 *
 * @throws {TypeError} for a user id that is not a safe folder name.
 */
export function createReceiverContext(options: ReceiverOptions): ReceiverContext {
  for (const user of options.tokens.values()) {
    if (!USER_ID.test(user) || user === "." || user === "..") {
      throw new TypeError(`Cannot serve user id ${JSON.stringify(user)}: not a safe folder name`);
    }
  }
  const maxUploadBytes = options.maxUploadBytes ?? 50 * MIB;
  const maxDecompressedBytes = options.maxDecompressedBytes ?? 50 * MIB;
  return {
    dataDir: options.dataDir,
    tokens: options.tokens,
    maxUploadBytes,
    maxDecompressedBytes,
    drainLimit: Math.max(maxUploadBytes, maxDecompressedBytes) * 2 + MIB,
    tooLarge: `File too large (max ${Math.round(maxUploadBytes / MIB)}MB)`,
    decompressedTooLarge: `Decompressed content too large (max ${
      Math.round(maxDecompressedBytes / MIB)
    }MB)`,
    headers: {
      "x-agnes-accepts": (options.accepts ?? [GZIP_CAPABILITY]).join(","),
      ...(options.latestVersion === undefined
        ? {}
        : { "x-agnes-latest-version": options.latestVersion }),
      ...(options.minVersion === undefined ? {} : { "x-agnes-min-version": options.minVersion }),
    },
    scripted: options.scripted,
  };
}

/**
 * An upload refused with the status and detail the contract names.
 */
export class UploadRefusedError extends Error {
  /** Always `"UploadRefusedError"`. */
  override name = "UploadRefusedError";

  /**
   * @param status The HTTP status to answer with.
   * @param detail The `detail` of the JSON body.
   */
  constructor(readonly status: number, readonly detail: string) {
    super(detail);
  }
}

/**
 * Reads a body whole, failing with `rejection()` past `limit` bytes.
 */
export async function readLimited(
  body: ByteSource | null,
  limit: number,
  rejection: () => UploadRefusedError,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let chunk = await body.read(); chunk !== null; chunk = await body.read()) {
    total += chunk.length;
    if (total > limit) throw rejection();
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/**
 * Reads a body to its end, discarding at most `limit` bytes (so the client
 * sees our answer instead of a reset).
 */
export async function discardRestOfBody(body: ByteSource | null, limit: number): Promise<void> {
  if (body === null) return;
  try {
    for (let total = 0; total <= limit;) {
      const chunk = await body.read();
      if (chunk === null) return;
      total += chunk.length;
    }
  } catch {
    // Broken: nothing more to drain.
  }
}
