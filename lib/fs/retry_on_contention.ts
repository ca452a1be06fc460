/**
 * The Windows contention ladder for renames and removals.
 *
 * @module
 */

const isWindows = Deno.build.os === "windows";

/**
 * Runs a rename or remove, retrying on Windows when another process still
 * has the file open (access denied or sharing violation while a delete is
 * pending): after 0, 1, 10, 20 and 40 ms. Elsewhere it runs once.
 */
export async function retryOnContention<T>(operation: () => Promise<T>): Promise<T> {
  const ladder = isWindows ? [0, 1, 10, 20, 40] : [];
  for (const delay of ladder) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.Busy)) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return await operation();
}
