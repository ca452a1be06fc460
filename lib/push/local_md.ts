/**
 * `CLAUDE.local.md`: the analyst's notes for the server, uploaded (redacted)
 * after the transcripts whenever they changed since the last upload.
 *
 * @module
 */

import { baseName, joinPath } from "../fs/_path.ts";
import { classifyOutcome } from "../http/outcome.ts";
import { redactJwtBytes } from "../http/redact.ts";
import { readLocalMdDigest, writeLocalMdDigest } from "../store/_local_md_state.ts";
import type { Workspace } from "../store/workspace.ts";
import type { PushRun } from "./_run.ts";

/** The notes file's name. */
export const LOCAL_MD = "CLAUDE.local.md";

/**
 * The workspace's `CLAUDE.local.md` when it is there as a regular file.
 *
 * @example
 * ```ts
 * import { findLocalMd } from "./local_md.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual(await findLocalMd(workspace), undefined);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function findLocalMd(workspace: Workspace): Promise<string | undefined> {
  const path = joinPath(workspace.root, LOCAL_MD);
  const isFile = await Deno.stat(path).then((info) => info.isFile, () => false);
  return isFile ? path : undefined;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Step 5 of a push: uploads `CLAUDE.local.md` at `path` (redacted) unless it
 * is unchanged since its last upload; a failure is reported, not thrown.
 *
 * @example
 * ```ts
 * import { pushLocalMd } from "./local_md.ts";
 * import { startRun } from "./_run.ts";
 * import { AgnesClient } from "../http/client.ts";
 * import { serveReceiver } from "../http/serve_receiver.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await workspace.ensureStateDir();
 * await Deno.writeTextFile(`${workspace.root}/CLAUDE.local.md`, "# notes\n");
 * let url = "";
 * const server = serveReceiver({ dataDir: workspace.root, tokens: new Map([["t", "me"]]), port: 0, onListen: (u) => url = u });
 * {
 *   using client = new AgnesClient({ server: url, token: "t" });
 *   const run = await startRun({ workspace, client, allowedRoots: [] });
 *   await pushLocalMd(run, `${workspace.root}/CLAUDE.local.md`);
 *   deepStrictEqual(run.report.localMd, true);
 * }
 * await server.shutdown();
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function pushLocalMd(run: PushRun, path: string): Promise<void> {
  const { workspace, client } = run.options;
  const bytes = new Uint8Array(redactJwtBytes(await Deno.readFile(path), true).output);
  const digest = await sha256Hex(bytes);
  if (await readLocalMdDigest(workspace) === digest) return;
  const answer = await client.uploadLocalMd(new TextDecoder().decode(bytes));
  if (classifyOutcome(answer) === "success") {
    run.report.localMd = true;
    await writeLocalMdDigest(workspace, digest);
  } else {
    run.report.errors.push(
      answer.kind === "http"
        ? { file: baseName(path), status: answer.status }
        : { file: baseName(path), error: answer.error },
    );
  }
}
