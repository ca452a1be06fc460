/**
 * Atomic replacement of a whole file.
 *
 * @module
 */

import { assertRegularOrMissing } from "./regular_file.ts";
import { retryOnContention } from "./retry_on_contention.ts";
import { writeAll } from "./write_all.ts";
import { injectFault } from "./fault.ts";

const isWindows = Deno.build.os === "windows";

/** Options for {@linkcode writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** File mode of the new file (POSIX), e.g. `0o600` for secrets. */
  mode?: number;
}

/** What a file is replaced with: its whole content, or its text in pieces (streamed, for any length). */
export type AtomicContent = string | Uint8Array | AsyncIterable<string>;

const BATCH_BYTES = 64 * 1024;

/** Writes `data` to `file`, pieces of text gathered into writes of about 64 KiB. */
async function writeContent(file: Deno.FsFile, data: AtomicContent): Promise<void> {
  if (typeof data === "string" || data instanceof Uint8Array) {
    return writeAll(file, typeof data === "string" ? new TextEncoder().encode(data) : data);
  }
  let batch = "";
  for await (const piece of data) {
    batch += piece;
    if (batch.length >= BATCH_BYTES) {
      writeAll(file, new TextEncoder().encode(batch));
      batch = "";
    }
  }
  writeAll(file, new TextEncoder().encode(batch));
}

/**
 * Replaces `path` with `data` atomically: writes a temp file in the same
 * folder, syncs it, then renames it over `path`. Readers see the old file or
 * the new one, never half of either. A symbolic link at `path` is refused.
 * `data` may be an async iterable of text pieces, streamed to the temp file.
 *
 * @throws {RefusedFileError} when `path` exists and is not a regular file.
 */
export async function writeFileAtomic(
  path: string,
  data: AtomicContent,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  assertRegularOrMissing(path, "replace");
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    const file = Deno.openSync(temp, {
      write: true,
      createNew: true,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
    });
    try {
      injectFault("write", temp);
      await writeContent(file, data);
      injectFault("sync", temp);
      file.syncDataSync();
    } finally {
      file.close();
    }
    if (options.mode !== undefined && !isWindows) await Deno.chmod(temp, options.mode);
    injectFault("rename", path);
    await retryOnContention(() => Deno.rename(temp, path));
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
