/**
 * `W/.claude/CLAUDE.local.md`: the analyst's notes for the server (the file
 * the Python tool's `agnes init` creates and uploads), sent redacted after the
 * transcripts whenever it changed since its last upload to this server. Only a regular file
 * of at most 1 MiB is sent: a link (to `~/.ssh/id_ed25519`, to
 * `/proc/self/environ`) or anything else is refused with a warning. The
 * workspace root's own `W/CLAUDE.local.md` is Claude Code's private file and
 * is never read.
 *
 * @module
 */

import { readFileBounded, SMALL_FILE_LIMIT } from "../fs/read_bounded.ts";
import { mayExist } from "../fs/regular_file.ts";
import { classifyOutcome } from "../http/outcome.ts";
import { redactJwtBytes } from "../http/redact.ts";
import type { Workspace } from "../store/workspace.ts";
import type { PushRun } from "./_run.ts";

/** How `CLAUDE.local.md` is named in reports. */
const NAME = ".claude/CLAUDE.local.md";

/**
 * The path of the workspace's `CLAUDE.local.md` when something is there
 * (whether it may be sent is decided when it is read).
 *
 * @example
 * ```ts
 * import { findLocalMd } from "./local_md.ts";
 * import { Workspace } from "../store/workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await Deno.writeTextFile(`${workspace.root}/CLAUDE.local.md`, "private to Claude Code\n");
 * deepStrictEqual(findLocalMd(workspace), undefined); // the root file is never uploaded
 * await workspace.ensureStateDir();
 * await Deno.writeTextFile(workspace.file("localMd"), "# notes\n");
 * deepStrictEqual(findLocalMd(workspace), workspace.file("localMd"));
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export function findLocalMd(workspace: Workspace): string | undefined {
  const path = workspace.file("localMd");
  if (!mayExist(path)) return undefined;
  try {
    Deno.lstatSync(path);
    return path;
  } catch {
    return undefined;
  }
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `CLAUDE.local.md` as it would be sent: redacted, with the digest the ledger keeps. */
export interface PreparedLocalMd {
  /** The redacted bytes. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Their SHA-256, hex. */
  digest: string;
}

/**
 * Reads `CLAUDE.local.md` at `path` for upload (a regular file of at most
 * 1 MiB), redacted, with its digest; or the reason it may not be sent.
 *
 * @example
 * ```ts
 * import { prepareLocalMd } from "./local_md.ts";
 * import { deepStrictEqual, match } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/CLAUDE.local.md`, "# notes\n");
 * const prepared = await prepareLocalMd(`${dir}/CLAUDE.local.md`);
 * deepStrictEqual(typeof prepared === "string" ? prepared : prepared.digest.length, 64);
 * await Deno.symlink(`${dir}/CLAUDE.local.md`, `${dir}/link.md`);
 * match(String(await prepareLocalMd(`${dir}/link.md`)), /symbolic link/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function prepareLocalMd(path: string): Promise<PreparedLocalMd | string> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    const read = readFileBounded(path, SMALL_FILE_LIMIT) ?? new Uint8Array();
    bytes = new Uint8Array(redactJwtBytes(read, true).output);
  } catch (error) {
    return `not uploaded: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { bytes, digest: await sha256Hex(bytes) };
}

/**
 * Step 5 of a push: uploads `CLAUDE.local.md` at `path` (redacted) unless it
 * is unchanged since its last upload. A refused file or a failed upload is a
 * warning in the report, never a failure of the push.
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
 * await Deno.writeTextFile(workspace.file("localMd"), "# notes\n");
 * let url = "";
 * const server = serveReceiver({ dataDir: workspace.root, tokens: new Map([["t", "me"]]), port: 0, onListen: (u) => url = u });
 * {
 *   using client = new AgnesClient({ server: url, token: "t" });
 *   const run = await startRun({ workspace, client, allowedRoots: [] });
 *   await pushLocalMd(run, workspace.file("localMd"));
 *   deepStrictEqual(run.report.localMd, true);
 * }
 * await server.shutdown();
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function pushLocalMd(run: PushRun, path: string): Promise<void> {
  const { client } = run.options;
  const prepared = await prepareLocalMd(path);
  if (typeof prepared === "string") {
    run.report.errors.push({ file: NAME, error: prepared });
    return;
  }
  const { bytes, digest } = prepared;
  if (await run.ledger.localMdDigest() === digest) return; // sent to this server already
  const answer = await client.uploadLocalMd(new TextDecoder().decode(bytes));
  if (classifyOutcome(answer) === "success") {
    run.report.localMd = true;
    await run.ledger.recordLocalMd(digest);
  } else {
    if (answer.kind === "http" && answer.status === 401) run.report.tokenRejected = true;
    run.report.errors.push(
      answer.kind === "http"
        ? { file: NAME, status: answer.status }
        : { file: NAME, error: answer.error },
    );
  }
}
