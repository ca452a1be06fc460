/**
 * A gzip part of an upload, decompressed as it arrives: the compressed bytes
 * are counted against one cap, and the decompressed bytes go on to a writer
 * that counts them against another. A corrupt, truncated, multi-member or
 * trailing-data stream is `invalid_gzip` (`DecompressionStream` refuses all
 * four), never a silently shortened file.
 *
 * @module
 */

import type { PartWriter } from "./_multipart_parser.ts";
import { UploadRefusedError } from "./_context.ts";

/**
 * Compressed bytes are handed to the decompressor this many at a time:
 * `DecompressionStream` inflates each piece it is given whole, and deflate
 * expands by at most about 1032×, so a piece of 4 KiB is at most ~4 MiB
 * before the size cap sees it (a gzip bomb costs no more than that).
 */
const SLICE_BYTES = 4 * 1024;

/** Reads decompressed bytes into `target` until the end; cancels the input side on failure. */
async function pump(readable: ReadableStream<Uint8Array>, target: PartWriter): Promise<void> {
  const reader = readable.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      await target.write(value);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  }
}

/**
 * Decompresses gzip into `target`, counting compressed bytes against
 * `maxBytes`.
 */
export class GunzipWriter implements PartWriter {
  readonly #input: WritableStreamDefaultWriter<Uint8Array>;
  readonly #output: Promise<void>;
  readonly #target: PartWriter;
  readonly #maxBytes: number;
  readonly #tooLarge: () => Error;
  #sent = 0;

  /**
   * @param target Receives the decompressed bytes, and is closed or aborted with this writer.
   * @param maxBytes The most compressed bytes accepted.
   * @param tooLarge The error thrown past `maxBytes`.
   */
  constructor(target: PartWriter, maxBytes: number, tooLarge: () => Error) {
    const gunzip = new DecompressionStream("gzip") as unknown as TransformStream<
      Uint8Array,
      Uint8Array
    >;
    this.#input = gunzip.writable.getWriter();
    this.#output = pump(gunzip.readable, target);
    this.#output.catch(() => {}); // awaited by write and close
    this.#target = target;
    this.#maxBytes = maxBytes;
    this.#tooLarge = tooLarge;
  }

  /**
   * Decompresses `chunk` on to the target, a few KiB of it at a time.
   *
   * @throws {UploadRefusedError} 400 `invalid_gzip`; the target's own error (a cap); `tooLarge()`.
   */
  async write(chunk: Uint8Array): Promise<void> {
    this.#sent += chunk.length;
    if (this.#sent > this.#maxBytes) throw this.#tooLarge();
    try {
      for (let start = 0; start < chunk.length; start += SLICE_BYTES) {
        await this.#input.write(chunk.subarray(start, start + SLICE_BYTES));
      }
    } catch (error) {
      throw await this.#failure(error);
    }
  }

  /** Ends the stream and closes the target. */
  async close(): Promise<void> {
    try {
      await this.#input.close();
      await this.#output;
    } catch (error) {
      throw await this.#failure(error);
    }
    await this.#target.close();
  }

  /** Stops decompressing and aborts the target. */
  async abort(reason?: unknown): Promise<void> {
    await this.#input.abort(reason).catch(() => {});
    await this.#output.catch(() => {});
    await this.#target.abort(reason);
  }

  /** What a failure means: the target's own error (a cap) if it failed, else broken gzip. */
  async #failure(error: unknown): Promise<unknown> {
    const targetError = await this.#output.then(() => undefined, (failure) => failure);
    if (targetError instanceof UploadRefusedError) return targetError;
    // DecompressionStream fails with a TypeError on corrupt, truncated,
    // multi-member or trailing-data input.
    return error instanceof UploadRefusedError
      ? error
      : new UploadRefusedError(400, "invalid_gzip");
  }
}
