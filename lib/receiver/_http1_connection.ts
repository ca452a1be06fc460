/**
 * One accepted TCP connection as the HTTP/1.1 server uses it: bytes read
 * but not consumed can be put back for the next reader (the start of a body
 * read with its head, a pipelined request), and every read and write has a
 * deadline. Reads fill a buffer of the connection's own, which
 * {@linkcode Http1Connection.recycle} starts over between requests, so a
 * typical request costs no allocation and its bytes lie side by side. The
 * connection guard calls {@linkcode Http1Connection.expire} when a deadline
 * passes, which makes the pending read or write fail with a 408
 * {@linkcode HttpError}; the connection can still be written to (a 408
 * answer) before it is closed.
 *
 * @module
 */

import { concatBytes } from "./_bytes.ts";
import { HttpError } from "./_http1_error.ts";

/** The most bytes one read asks the socket for. */
export const READ_BYTES = 64 * 1024;

/**
 * Reads fill a slab of this size from its start on, each taking only the
 * bytes it got, so a 300-byte head costs 300 bytes, not a fresh 64 KiB. The
 * first slab is the connection's own and is reused for each request; a
 * request that needs more gets fresh slabs.
 */
const SLAB_BYTES = 4 * READ_BYTES;

/**
 * A TCP connection with deadlines and put-back bytes.
 */
export class Http1Connection {
  /** When it was accepted (`performance.now()`). */
  readonly openedAt: number = performance.now();
  /**
   * When the pending read or write must be done (`performance.now()`), or
   * `Infinity` while none is pending.
   */
  deadline = Infinity;
  /** Waiting for the first byte of a request: nothing would be lost by closing it. */
  idle = true;
  /** Closed by {@linkcode Http1Connection.close}. */
  closed = false;
  #pending: Uint8Array | undefined;
  #expiry: PromiseWithResolvers<never> | undefined;
  /** The unused end of the current slab. */
  #slab: Uint8Array = new Uint8Array(0);
  /** The connection's own slab, allocated on the first read. */
  #home: Uint8Array | undefined;

  /** @param conn The accepted connection, owned from now on. */
  constructor(readonly conn: Deno.Conn) {}

  /** Puts `bytes` back: the next read returns them first. */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#pending = this.#pending === undefined ? bytes : concatBytes(bytes, this.#pending);
  }

  /**
   * The next bytes (at most `max`), put-back bytes first; `null` at the end
   * of the stream.
   *
   * @throws {HttpError} 408 when `deadline` passes first.
   */
  async read(deadline: number, max = READ_BYTES): Promise<Uint8Array | null> {
    const pending = this.#pending;
    if (pending !== undefined) {
      this.#pending = pending.length > max ? pending.subarray(max) : undefined;
      return pending.length > max ? pending.subarray(0, max) : pending;
    }
    if (this.#slab.length < max) this.#slab = this.#freshSlab(max);
    const buffer = this.#slab.subarray(0, max);
    const count = await this.#before(deadline, this.conn.read(buffer));
    if (count === null) return null;
    this.#slab = this.#slab.subarray(count); // what was read is the caller's, never reused
    return buffer.subarray(0, count);
  }

  /**
   * Starts the connection's own slab over: every byte read so far may be
   * overwritten by the next reads. Call it only when nothing read before
   * (bytes handed to a handler included) is used any more; put-back bytes
   * are copied out first.
   */
  recycle(): void {
    if (this.#home === undefined) return;
    if (this.#pending !== undefined) this.#pending = this.#pending.slice();
    this.#slab = this.#home;
  }

  /** A slab for a read of up to `max` bytes: the connection's own at first, then fresh ones. */
  #freshSlab(max: number): Uint8Array {
    if (this.#home === undefined && max <= SLAB_BYTES) {
      return this.#home = new Uint8Array(SLAB_BYTES);
    }
    return new Uint8Array(Math.max(SLAB_BYTES, max));
  }

  /**
   * Writes all of `bytes`.
   *
   * @throws {HttpError} 408 when `deadline` passes first.
   */
  async write(bytes: Uint8Array, deadline: number): Promise<void> {
    for (let at = 0; at < bytes.length;) {
      at += await this.#before(deadline, this.conn.write(bytes.subarray(at)));
    }
  }

  /** Makes the pending read or write fail with a 408 {@linkcode HttpError}. */
  expire(): void {
    this.#expiry?.reject(new HttpError(408, "Cannot wait for the client: a time limit passed"));
  }

  /** Closes the connection (again is fine); a pending read or write fails. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by the peer's reset.
    }
  }

  /** Awaits `operation` unless `deadline` (or {@linkcode Http1Connection.expire}) comes first. */
  async #before<T>(deadline: number, operation: Promise<T>): Promise<T> {
    operation.catch(() => {}); // when the deadline wins, the operation fails later, on close
    const expiry = Promise.withResolvers<never>();
    this.#expiry = expiry;
    this.deadline = deadline;
    try {
      return await Promise.race([operation, expiry.promise]);
    } finally {
      this.deadline = Infinity;
      this.#expiry = undefined;
    }
  }
}
