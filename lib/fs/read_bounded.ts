/**
 * Reading a whole small file that we do not control (the private list, a
 * config file, `CLAUDE.local.md`, Claude Code's settings): only when it is a
 * regular file, and never more than a cap. A FIFO would hang the reader, a
 * link to `/dev/zero` would fill its memory, a link elsewhere would read
 * (and maybe upload) what it points at: each is refused instead.
 *
 * One race is left open on purpose: a FIFO swapped in between the `lstat`
 * and the `open` would make the open wait for a writer. Only a process that
 * can already write to the folder can do that.
 *
 * @module
 */

import { assertRegular, RefusedFileError } from "./regular_file.ts";
import { sameFile } from "./same_file.ts";

/** The cap on whole-file reads of small files: 1 MiB. */
export const SMALL_FILE_LIMIT = 1024 * 1024;

function describeBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/**
 * Reads the regular file at `path` whole, up to `maxBytes`; `undefined` when
 * it does not exist.
 *
 * @throws {RefusedFileError} when `path` is not a regular file (a symbolic
 * link, folder, FIFO or device), changed while being opened, or is larger
 * than `maxBytes`.
 */
export function readFileBounded(path: string, maxBytes: number): Uint8Array | undefined {
  let before: Deno.FileInfo;
  try {
    before = Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw error;
  }
  assertRegular(before, path, "read");
  using file = Deno.openSync(path, { read: true });
  const opened = file.statSync();
  if (!opened.isFile || !sameFile(opened, before)) {
    throw new RefusedFileError(`Cannot read "${path}": it changed while being opened`);
  }
  const tooLarge = () =>
    new RefusedFileError(`Cannot read "${path}": it is larger than ${describeBytes(maxBytes)}`);
  if (opened.size > maxBytes) throw tooLarge();
  const buffer = new Uint8Array(Math.min(opened.size, maxBytes) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) throw tooLarge(); // grew past the cap while being read
    const count = file.readSync(buffer.subarray(length));
    if (count === null) break;
    length += count;
  }
  return buffer.subarray(0, length);
}

/**
 * {@linkcode readFileBounded} decoded as UTF-8 (invalid bytes become U+FFFD).
 *
 * @throws {RefusedFileError} as {@linkcode readFileBounded} does.
 */
export function readTextFileBounded(path: string, maxBytes: number): string | undefined {
  const bytes = readFileBounded(path, maxBytes);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
