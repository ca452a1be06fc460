/**
 * Atomic replacement of a whole file.
 *
 * @module
 */

import { assertRegularOrMissing } from "./regular_file.ts";
import { retryOnContention } from "./_retry_on_contention.ts";
import { writeAll } from "./_write_all.ts";

const isWindows = Deno.build.os === "windows";

/** Options for {@linkcode writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** File mode of the new file (POSIX), e.g. `0o600` for secrets. */
  mode?: number;
}

/**
 * Replaces `path` with `data` atomically: writes a temp file in the same
 * folder, syncs it, then renames it over `path`. Readers see the old file or
 * the new one, never half of either. A symbolic link at `path` is refused.
 *
 * @throws {RefusedFileError} when `path` exists and is not a regular file.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./_write_file_atomic.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/settings.json`, "{}\n");
 * deepStrictEqual(await Deno.readTextFile(`${dir}/settings.json`), "{}\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  assertRegularOrMissing(path, "replace");
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    const file = Deno.openSync(temp, {
      write: true,
      createNew: true,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
    });
    try {
      writeAll(file, bytes);
      file.syncDataSync();
    } finally {
      file.close();
    }
    if (options.mode !== undefined && !isWindows) await Deno.chmod(temp, options.mode);
    await retryOnContention(() => Deno.rename(temp, path));
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
