/**
 * The request body the HTTP/1.1 server hands its handler: a byte stream
 * read from the connection only as the handler pulls it, so nothing past
 * the body is read and a pipelined request stays on the connection. It is
 * framed by `Content-Length` or chunked encoding, sends `100 Continue`
 * before its first read when the client asked for it, counts the bytes
 * received, and each read must bring a byte within the body idle limit.
 * When the handler is done, the server drains what it left unread, up to a
 * bound, to keep the connection.
 *
 * @module
 */

import { type ChunkedState, chunkedState, readChunk } from "./_chunked_body.ts";
import { type Http1Connection, READ_BYTES } from "./_http1_connection.ts";
import { HttpError } from "./_http1_error.ts";
import type { BodyFraming } from "./_http1_head.ts";

const CONTINUE = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");

/** One request body's progress; the state the server and the stream share. */
export interface RequestBody {
  /** Where it is read from. */
  readonly connection: Http1Connection;
  /** How it is framed. */
  readonly framing: BodyFraming;
  /** The longest wait for a byte, in ms. */
  readonly idleMs: number;
  /** `Content-Length` framing: bytes left. */
  left: number;
  /** Chunked framing: where the decoder is. */
  readonly chunked: ChunkedState;
  /** A `100 Continue` is owed before the first read. */
  continueOwed: boolean;
  /** Body bytes received so far. */
  received: number;
  /** Read to its end. */
  done: boolean;
  /** Why reading failed: a malformed body (400), a time limit (408), a closed connection. */
  failure: HttpError | undefined;
  /** The read in progress, if any. */
  reading: Promise<Uint8Array | null> | undefined;
  /** Aborted when reading fails: the request's `signal`. */
  readonly abort: AbortController;
}

/**
 * The body state for a request framed as `framing`.
 */
export function openRequestBody(
  connection: Http1Connection,
  framing: BodyFraming,
  expectContinue: boolean,
  idleMs: number,
): RequestBody {
  return {
    connection,
    framing,
    idleMs,
    left: framing.kind === "length" ? framing.length : 0,
    chunked: chunkedState(),
    continueOwed: expectContinue && framing.kind !== "none",
    received: 0,
    done: framing.kind === "none",
    failure: undefined,
    reading: undefined,
    abort: new AbortController(),
  };
}

/** Reads the next bytes of a `Content-Length` body. */
async function readLength(body: RequestBody): Promise<Uint8Array> {
  const max = Math.min(body.left, READ_BYTES);
  const bytes = await body.connection.read(performance.now() + body.idleMs, max);
  if (bytes === null) {
    throw new HttpError(400, "Cannot read request body: the connection closed before its end");
  }
  body.left -= bytes.length;
  if (body.left === 0) body.done = true;
  return bytes;
}

/** The next bytes of the body, or `null` at its end; a failure is recorded and aborts the signal. */
async function nextBytes(body: RequestBody): Promise<Uint8Array | null> {
  if (body.failure !== undefined) throw body.failure;
  if (body.done) return null;
  try {
    if (body.continueOwed) {
      body.continueOwed = false;
      await body.connection.write(CONTINUE, performance.now() + body.idleMs);
    }
    const bytes = body.framing.kind === "chunked"
      ? await readChunk(body.connection, body.chunked, body.idleMs)
      : await readLength(body);
    if (bytes === null) body.done = true;
    else body.received += bytes.length;
    return bytes;
  } catch (error) {
    body.failure = error instanceof HttpError
      ? error
      : new HttpError(400, `Cannot read request body: ${(error as Error).message}`);
    body.abort.abort(body.failure);
    throw body.failure;
  }
}

/**
 * Reads the next bytes of the body (at most 64 KiB), or `null` at its end.
 * They lie in the connection's buffer: use them before the request is
 * answered, or copy them.
 *
 * @throws {HttpError} 400 for a malformed or cut-off body, 408 when no byte
 * comes within the idle limit.
 */
export function readBody(body: RequestBody): Promise<Uint8Array | null> {
  const reading = nextBytes(body);
  body.reading = reading;
  return reading;
}

/**
 * Feeds a `ReadableStream` from a {@linkcode RequestBody}, one read per
 * pull. Each chunk is a copy: the connection reuses its buffer after the
 * answer, and a stream's reader may keep what it read for longer.
 */
class BodySource implements UnderlyingDefaultSource<Uint8Array> {
  constructor(readonly body: RequestBody) {}

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    const bytes = await readBody(this.body);
    if (bytes !== null) controller.enqueue(bytes.slice());
    if (this.body.done) controller.close();
  }
}

/**
 * The body as a Fetch API handler reads it: a stream pulled from the
 * connection on demand (chunks its own), or `null` for a request without a
 * body.
 */
export function bodyStream(body: RequestBody): ReadableStream<Uint8Array> | null {
  if (body.done) return null;
  return new ReadableStream(new BodySource(body), { highWaterMark: 0 });
}

/**
 * Whether the rest of the body may be drained to keep the connection: not
 * when the client still waits for `100 Continue` (it would be invited to
 * send what nobody reads), nor when more than `limit` bytes are known to be
 * left, nor after a failure.
 */
export function canDrainForNextRequest(body: RequestBody, limit: number): boolean {
  if (body.done) return true;
  return body.failure === undefined && !body.continueOwed &&
    (body.framing.kind === "chunked" || body.left <= limit);
}

/**
 * Reads and drops what the handler left of the body, at most `limit`
 * bytes; `true` when the body was read to its end (the connection may take
 * its next request).
 */
export async function drainForNextRequest(body: RequestBody, limit: number): Promise<boolean> {
  await body.reading?.catch(() => {}); // a read the handler left running
  for (let drained = 0; !body.done;) {
    if (!canDrainForNextRequest(body, limit - drained)) return false;
    const bytes = await readBody(body).catch(() => null);
    if (bytes === null) return body.done;
    drained += bytes.length;
  }
  return true;
}
