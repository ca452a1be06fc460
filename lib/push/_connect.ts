/**
 * Step 2 of a push: ask the server what it accepts before anything is
 * uploaded.
 *
 * @module
 */

import { GZIP_CAPABILITY } from "../http/wire.ts";
import type { PushRun } from "./_run.ts";

/**
 * Asks the server's health endpoint (when there is anything to send): gzip is
 * used when the server advertises it and the caller allows it.
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
  if (entryCount === 0 && !hasLocalMd) return;
  const { client } = run.options;
  const info = await client.health(); // its version headers are information only
  run.gzip = run.options.gzip !== false && info.accepts.has(GZIP_CAPABILITY);
}
