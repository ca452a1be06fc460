/**
 * Writing a whole buffer through a synchronous file handle.
 *
 * @module
 */

/**
 * Writes all of `bytes` to `file` (a file, or a stream such as
 * `Deno.stderr`), looping over short writes.
 */
export function writeAll(file: Pick<Deno.FsFile, "writeSync">, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}
