/**
 * File primitives, the bottom of the tree: durable line appends that never
 * merge a row into a torn one (`append_lines.ts`), bounded line reading
 * (`read_lines.ts`), atomic whole-file replacement (`write_file_atomic.ts`),
 * the Windows contention ladder (`retry_on_contention.ts`), the refusal
 * rules: only regular files are ours to read or write (`regular_file.ts`),
 * and the fault seam through which the I/O fault tests fail a chosen append,
 * sync or rename (`fault.ts`).
 *
 * May import: nothing else in `lib/`. Everything above may import it.
 *
 * @example Refuse what is not a regular file
 * ```ts
 * import { RefusedFileError } from "./mod.ts";
 * import { assertRegular } from "./regular_file.ts";
 * import { throws } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * throws(() => assertRegular(Deno.lstatSync(dir), dir, "read"), RefusedFileError);
 * await Deno.remove(dir);
 * ```
 *
 * @module
 */

export { RefusedFileError } from "./regular_file.ts";
