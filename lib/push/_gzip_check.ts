/**
 * Step 2 of a push: ask the server's health check (`GET /api/health`)
 * whether it takes gzip uploads, before anything is uploaded.
 *
 * @module
 */

import { GZIP_CAPABILITY } from "../http/wire.ts";
import type { PushRun } from "./_run.ts";

/**
 * Asks the server's health endpoint (when there is anything to send) and
 * sets `run.gzip`: gzip is used when the server advertises it and the caller
 * allows it.
 */
export async function checkGzipSupport(
  run: PushRun,
  entryCount: number,
  hasLocalMd: boolean,
): Promise<void> {
  if (entryCount === 0 && !hasLocalMd) return;
  const { client } = run.options;
  const info = await client.health(); // its version headers are information only
  run.gzip = run.options.gzip !== false && info.accepts.has(GZIP_CAPABILITY);
}
