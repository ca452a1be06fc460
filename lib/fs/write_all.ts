/**
 * Writing a whole buffer through a synchronous file handle.
 *
 * @module
 */

/**
 * Writes all of `bytes` to `file` (a file, or a stream such as
 * `Deno.stderr`), looping over short writes.
 *
 * @example
 * ```ts
 * import { writeAll } from "./write_all.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * using file = Deno.openSync(path, { write: true });
 * writeAll(file, new TextEncoder().encode("abc"));
 * deepStrictEqual(Deno.readTextFileSync(path), "abc");
 * await Deno.remove(path);
 * ```
 */
export function writeAll(file: Pick<Deno.FsFile, "writeSync">, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}
