/**
 * Telling whether two `stat`s name the same file.
 *
 * @module
 */

/**
 * Whether two `stat`s name the same file: same device and inode, or, where
 * the platform reports no inode, the same size and times.
 */
export function sameFile(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  if (a.ino === null || b.ino === null) {
    return a.size === b.size && a.mtime?.getTime() === b.mtime?.getTime() &&
      a.birthtime?.getTime() === b.birthtime?.getTime();
  }
  return a.dev === b.dev && a.ino === b.ino;
}
