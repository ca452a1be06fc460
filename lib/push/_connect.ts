/**
 * Step 2 of a push: ask the server what it accepts, and load what was
 * already sent, before anything is uploaded.
 *
 * @module
 */

import { GZIP_CAPABILITY } from "../http/_wire.ts";
import { readUploadedVersions } from "../store/_uploaded_log.ts";
import type { PushRun } from "./_run.ts";

/**
 * Loads the upload ledger (when there are entries) and asks the server's
 * health endpoint (when there is anything to send): gzip is used when the
 * server advertises it and the caller allows it.
 *
 * @example
 * ```ts
 * import { connect } from "./_connect.ts";
 * import { startRun } from "./_run.ts";
 * import { AgnesClient } from "../http/client.ts";
 * import { serveReceiver } from "../http/serve_receiver.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * let url = "";
 * const server = serveReceiver({ dataDir: workspace.root, tokens: new Map(), port: 0, onListen: (u) => url = u });
 * {
 *   using client = new AgnesClient({ server: url, token: "t" });
 *   const run = await startRun({ workspace, client, allowedRoots: [] });
 *   await connect(run, 1, false);
 *   deepStrictEqual([run.gzip, run.report.stopped], [true, null]);
 * }
 * await server.shutdown();
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function connect(
  run: PushRun,
  entryCount: number,
  hasLocalMd: boolean,
): Promise<void> {
  const { workspace, client } = run.options;
  if (entryCount > 0) run.uploaded = await readUploadedVersions(workspace);
  if (entryCount === 0 && !hasLocalMd) return;
  const info = await client.health(); // its version headers are information only
  run.gzip = run.options.gzip !== false && info.accepts.has(GZIP_CAPABILITY);
}
