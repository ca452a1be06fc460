/**
 * Durable line appends that never merge a new row into a torn one.
 *
 * The small, bounded operations here use Deno's synchronous file APIs: each
 * is one short system call, while an async op costs 0.1 to 0.3 ms in a fresh
 * process, and the hooks that append run on every Claude Code session start.
 *
 * @module
 */

import { assertRegular, assertRegularOrMissing } from "./regular_file.ts";
import { writeAll } from "./write_all.ts";
import { injectFault, plannedFault } from "./fault.ts";

const encoder = new TextEncoder();

/** Options for {@linkcode appendLines}. */
export interface AppendLinesOptions {
  /** Sync the data to disk before returning. Default `true`. */
  sync?: boolean;
  /**
   * Empty the file first when it is longer than this many bytes: a log that
   * restarts instead of growing without bound. Default: never.
   */
  restartOverBytes?: number;
}

/**
 * A file of ours opened for appending rows, for a writer that appends many
 * times (a push records each upload at once): the checks, and the torn-row
 * check, are made once at open, and each append is then one write. The
 * caller serializes writers (a lock), and closes it.
 */
export class AppendFile implements Disposable {
  /** The file's path. */
  readonly path: string;
  #file: Deno.FsFile;
  #size: number;
  #startLine: boolean;
  #created: boolean;

  private constructor(path: string, file: Deno.FsFile, size: number, created: boolean) {
    this.path = path;
    this.#file = file;
    this.#size = size;
    this.#startLine = size > 0 && !endsWithNewline(file);
    this.#created = created;
  }

  /**
   * Opens `path` for appending, creating it.
   *
   * @throws {RefusedFileError} when `path` is not a regular file.
   */
  static open(
    path: string,
    options: Pick<AppendLinesOptions, "restartOverBytes"> = {},
  ): AppendFile {
    const existed = assertRegularOrMissing(path, "append to");
    const file = Deno.openSync(path, { read: true, append: true, create: true });
    try {
      // Made a symbolic link between the check and the open? Then refuse.
      assertRegular(Deno.lstatSync(path), path, "append to");
      let { size } = file.statSync();
      if (options.restartOverBytes !== undefined && size > options.restartOverBytes) {
        file.truncateSync(0);
        size = 0;
      }
      return new AppendFile(path, file, size, !existed);
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /**
   * Appends `lines` (each without its `\n`), starting a new line first when
   * the file ended in a torn row, and with `sync` syncs the data. A write or
   * sync that fails is undone: the file is truncated back to its old length
   * and stays in place, so the handle can go on appending to it. Should the
   * undo fail too, the handle takes the file as it is, a torn row at its
   * end, and the next append starts a new line.
   */
  append(lines: readonly string[], sync = false): void {
    if (lines.length === 0) return;
    const bytes = encoder.encode((this.#startLine ? "\n" : "") + lines.join("\n") + "\n");
    try {
      writeRows(this.#file, this.path, bytes);
      if (sync) syncData(this.#file, this.path);
    } catch (error) {
      undoAppend(this.#file, this.path, this.#size);
      this.#resync();
      throw error;
    }
    this.#size += bytes.length;
    this.#startLine = false;
  }

  /**
   * Removes the file when this handle created it and nothing was appended
   * (after a failed first append: no empty file is left behind). For a
   * handle about to be closed; one kept open would append to a removed file.
   */
  removeIfUnused(): void {
    if (!this.#created || this.#size > 0) return;
    try {
      if (this.#file.statSync().size === 0) Deno.removeSync(this.path);
    } catch {
      // Left in place: an empty file is harmless.
    }
  }

  /** Takes the file's length and last byte as they are now (after an undo that may have failed). */
  #resync(): void {
    try {
      const size = this.#file.statSync().size;
      if (size === this.#size) return;
      this.#size = size;
      this.#startLine = size > 0 && !endsWithNewline(this.#file);
    } catch {
      this.#startLine = true; // unknown: a blank line is better than rows run together
    }
  }

  /** Syncs the appended data to disk. */
  sync(): void {
    syncData(this.#file, this.path);
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }

  /** Same as {@linkcode AppendFile.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Appends `lines` (each given without its `\n`) to `path`, creating it, and
 * syncs the data before returning. When the file does not end in `\n` (a torn
 * final row), a new line is started first so the rows never merge; when the
 * write or the sync fails, the file is truncated back to its old length, or
 * removed when this append created it (no empty file is left behind).
 *
 * The caller serializes concurrent appenders (the queue lock).
 *
 * @throws {RefusedFileError} when `path` is not a regular file.
 */
export function appendLines(
  path: string,
  lines: readonly string[],
  options: AppendLinesOptions = {},
): Promise<void> {
  if (lines.length === 0) return Promise.resolve();
  try {
    using file = AppendFile.open(path, options);
    try {
      file.append(lines, options.sync !== false);
    } catch (error) {
      file.removeIfUnused();
      throw error;
    }
  } catch (error) {
    return Promise.reject(error);
  }
  return Promise.resolve();
}

/** Writes the rows' bytes (the fault tests may fail it before or half-way: `_fault.ts`). */
function writeRows(file: Deno.FsFile, path: string, bytes: Uint8Array): void {
  injectFault("append", path);
  const half = plannedFault("write-half", path);
  if (half !== undefined) {
    writeAll(file, bytes.subarray(0, bytes.length >> 1));
    throw half;
  }
  writeAll(file, bytes);
}

/** Syncs the appended data to disk. */
function syncData(file: Deno.FsFile, path: string): void {
  injectFault("sync", path);
  file.syncDataSync();
}

/** Truncates a failed append back to `size`. */
function undoAppend(file: Deno.FsFile, path: string, size: number): void {
  try {
    injectFault("truncate", path);
    file.truncateSync(size);
  } catch {
    // The original error is the one to report.
  }
}

/** Whether the non-empty file open in `file` ends in `\n`. */
function endsWithNewline(file: Deno.FsFile): boolean {
  file.seekSync(-1, Deno.SeekMode.End);
  const last = new Uint8Array(1);
  file.readSync(last);
  return last[0] === 0x0a;
}
