/**
 * Storing an upload so that no reader ever sees half of it: its bytes go to
 * a temp file in the target folder, which is renamed over the name at the
 * end, or removed on failure. Writes are gathered up to 256 KiB, so a
 * typical transcript costs one write call (and, when it ends within that, no
 * open of its own), while a large one streams through in 256 KiB writes:
 * memory stays bounded whatever the size. The folder is created when the
 * temp file cannot be, so a known user costs no `mkdir`.
 *
 * @module
 */

import type { PartWriter } from "./_multipart_parser.ts";

/** Bytes gathered before a write. */
export const WRITE_BATCH_BYTES = 256 * 1024;

/** Where {@linkcode AtomicFileWriter} writes, and its size cap. */
export interface AtomicFileTarget {
  /** The folder (created if missing). */
  folder: string;
  /** The file name in it. */
  name: string;
  /** The most bytes it may hold. */
  maxBytes: number;
  /** The error thrown past `maxBytes`. */
  tooLarge: () => Error;
}

/** Whether `chunks` lie side by side in one buffer (as one request's reads usually do). */
function adjacent(chunks: Uint8Array[]): boolean {
  for (let i = 1; i < chunks.length; i++) {
    const [before, chunk] = [chunks[i - 1]!, chunks[i]!];
    if (chunk.buffer !== before.buffer || chunk.byteOffset !== before.byteOffset + before.length) {
      return false;
    }
  }
  return true;
}

/** All of `chunks`, joined: one view over them when they lie side by side, else a copy. */
function joined(chunks: Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const first = chunks[0];
  if (first === undefined) return new Uint8Array(0);
  if (first.buffer instanceof ArrayBuffer && adjacent(chunks)) {
    return new Uint8Array(first.buffer, first.byteOffset, size);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/**
 * Writes a file atomically, chunk by chunk: a temp file renamed into place
 * on {@linkcode AtomicFileWriter.close}, removed on
 * {@linkcode AtomicFileWriter.abort} or any failure.
 *
 * Requires `--allow-read` and `--allow-write` on the folder.
 */
export class AtomicFileWriter implements PartWriter {
  /** Bytes written so far. */
  size = 0;
  readonly #target: AtomicFileTarget;
  readonly #temp: string;
  #batch: Uint8Array[] = [];
  #batched = 0;
  #file: Deno.FsFile | undefined;
  /** The temp file may exist (its creation was tried, and it was not renamed). */
  #created = false;

  /** Nothing is created until the first write call reaches the disk. */
  constructor(target: AtomicFileTarget) {
    this.#target = target;
    this.#temp = `${target.folder}/.${target.name}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  }

  /**
   * Adds `chunk`, writing once 256 KiB have gathered.
   *
   * @throws {Error} `tooLarge()` past the cap (the temp file is removed).
   */
  async write(chunk: Uint8Array): Promise<void> {
    this.size += chunk.length;
    if (this.size > this.#target.maxBytes) {
      const error = this.#target.tooLarge();
      await this.abort(error);
      throw error;
    }
    this.#batch.push(chunk);
    this.#batched += chunk.length;
    if (this.#batched >= WRITE_BATCH_BYTES) await this.#guard(() => this.#flush());
  }

  /** Writes what is gathered and renames the temp file to the name. */
  async close(): Promise<void> {
    await this.#guard(async () => {
      if (this.#file === undefined) {
        await this.#create(() =>
          Deno.writeFile(this.#temp, joined(this.#batch, this.#batched), { createNew: true })
        );
      } else {
        await this.#flush();
        this.#file.close();
        this.#file = undefined;
      }
      this.#batch = [];
      await Deno.rename(this.#temp, `${this.#target.folder}/${this.#target.name}`);
      this.#created = false;
    });
  }

  /** Drops everything: closes and removes the temp file. */
  async abort(_reason?: unknown): Promise<void> {
    this.#batch = [];
    try {
      this.#file?.close();
    } catch {
      // Already closed.
    }
    this.#file = undefined;
    if (this.#created) await Deno.remove(this.#temp).catch(() => {});
    this.#created = false;
  }

  /** Writes the gathered chunks to the temp file, creating it first. */
  async #flush(): Promise<void> {
    this.#file ??= await this.#create(() =>
      Deno.open(this.#temp, { write: true, createNew: true })
    );
    const bytes = joined(this.#batch, this.#batched);
    this.#batch = [];
    this.#batched = 0;
    for (let at = 0; at < bytes.length;) at += await this.#file.write(bytes.subarray(at));
  }

  /** Runs `create`; when the folder is missing, creates it and runs it again. */
  async #create<T>(create: () => Promise<T>): Promise<T> {
    this.#created = true; // from here on, a failure removes what may have been created
    try {
      return await create();
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      await Deno.mkdir(this.#target.folder, { recursive: true });
      return await create();
    }
  }

  /** Runs `step`, aborting (removing the temp file) when it fails. */
  async #guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      await this.abort(error);
      throw error;
    }
  }
}
