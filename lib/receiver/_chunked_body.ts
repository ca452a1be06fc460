/**
 * Decoding a `Transfer-Encoding: chunked` request body (RFC 9112 §7.1) as it
 * arrives: chunk data is handed on as read, never gathered. A chunk-size
 * line (extensions are ignored) may be at most 4 KiB and the trailer section
 * 16 KiB; anything malformed or longer is a 400 {@linkcode HttpError}.
 *
 * @module
 */

import { concatBytes } from "./_bytes.ts";
import { type Http1Connection, READ_BYTES } from "./_http1_connection.ts";
import { HttpError } from "./_http1_error.ts";

/** The longest chunk-size line, extensions included, in bytes. */
export const MAX_CHUNK_LINE_BYTES = 4096;

/** The largest trailer section, in bytes. */
export const MAX_TRAILER_BYTES = 16 * 1024;

/** Where a chunked body's reader is. */
export interface ChunkedState {
  /** Data bytes left in the current chunk; -1 before a size line. */
  left: number;
  /** Trailer bytes read so far; -1 until the last chunk. */
  trailer: number;
  /** The body has been read to its end. */
  done: boolean;
}

/**
 * A fresh {@linkcode ChunkedState}.
 */
export function chunkedState(): ChunkedState {
  return { left: -1, trailer: -1, done: false };
}

function malformed(problem: string): HttpError {
  return new HttpError(400, `Cannot read chunked body: ${problem}`);
}

/** Reads one CRLF-terminated line of at most `cap` bytes (without its CRLF). */
async function readLine(
  connection: Http1Connection,
  idleMs: number,
  cap: number,
): Promise<Uint8Array> {
  let line: Uint8Array = new Uint8Array(0);
  let searched = 0;
  for (;;) {
    const bytes = await connection.read(performance.now() + idleMs);
    if (bytes === null) throw malformed("the connection closed inside it");
    line = concatBytes(line, bytes);
    for (let at = line.indexOf(13, searched); at !== -1; at = line.indexOf(13, at + 1)) {
      if (at > cap) break;
      if (at + 1 === line.length) break; // the LF may come in the next read
      if (line[at + 1] !== 10) throw malformed("a bare CR in a line");
      connection.unread(line.subarray(at + 2));
      return line.subarray(0, at);
    }
    if (line.length > cap + 1) throw malformed(`a line longer than ${cap} bytes`);
    searched = Math.max(0, line.length - 1);
  }
}

/** Reads the CRLF that ends a chunk's data. */
async function readDataEnd(connection: Http1Connection, idleMs: number): Promise<void> {
  const expected = [13, 10];
  for (let at = 0; at < expected.length;) {
    const bytes = await connection.read(performance.now() + idleMs, expected.length - at);
    if (bytes === null) throw malformed("the connection closed inside a chunk");
    for (const byte of bytes) {
      if (byte !== expected[at++]) throw malformed("no CRLF after a chunk's data");
    }
  }
}

/** Reads a chunk-size line: the size of the next chunk. */
async function readSize(connection: Http1Connection, idleMs: number): Promise<number> {
  const line = new TextDecoder().decode(await readLine(connection, idleMs, MAX_CHUNK_LINE_BYTES));
  const match = /^([0-9A-Fa-f]{1,12})[ \t]*(?:;.*)?$/.exec(line);
  if (match === null) throw malformed("a chunk-size line is not hexadecimal");
  return parseInt(match[1]!, 16);
}

/** Skips the trailer section after the last chunk, up to its empty line. */
async function skipTrailers(
  connection: Http1Connection,
  state: ChunkedState,
  idleMs: number,
): Promise<void> {
  for (state.trailer = 0;;) {
    const line = await readLine(connection, idleMs, MAX_TRAILER_BYTES - state.trailer);
    if (line.length === 0) return;
    state.trailer += line.length + 2;
    if (state.trailer > MAX_TRAILER_BYTES) {
      throw malformed(`trailers longer than ${MAX_TRAILER_BYTES} bytes`);
    }
  }
}

/**
 * The next data of a chunked body (at most 64 KiB), or `null` at its end
 * (after the trailers, which are read and dropped). Each read must bring a
 * byte within `idleMs`.
 *
 * @throws {HttpError} 400 for a malformed body, 408 when `idleMs` passes
 * without a byte.
 */
export async function readChunk(
  connection: Http1Connection,
  state: ChunkedState,
  idleMs: number,
): Promise<Uint8Array | null> {
  while (!state.done) {
    if (state.left === -1) {
      state.left = await readSize(connection, idleMs);
      if (state.left === 0) {
        await skipTrailers(connection, state, idleMs);
        state.done = true;
      }
      continue;
    }
    if (state.left === 0) {
      await readDataEnd(connection, idleMs);
      state.left = -1;
      continue;
    }
    const data = await connection.read(
      performance.now() + idleMs,
      Math.min(state.left, READ_BYTES),
    );
    if (data === null) throw malformed("the connection closed inside a chunk");
    state.left -= data.length;
    return data;
  }
  return null;
}
