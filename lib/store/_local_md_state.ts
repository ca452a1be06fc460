/**
 * `W/.claude/agnes-local-md-uploaded.txt`, a file of ours: one row
 * `<iso>\t<sha256 hex>` naming the last `CLAUDE.local.md` content uploaded,
 * so an unchanged file is not sent again.
 *
 * @module
 */

import { formatTimestamp } from "../format/_timestamp.ts";
import { readLines } from "../fs/_read_lines.ts";
import { writeFileAtomic } from "../fs/_write_file_atomic.ts";
import type { Workspace } from "./workspace.ts";

/**
 * The digest of the last uploaded `CLAUDE.local.md`; empty when none was.
 *
 * @example
 * ```ts
 * import { readLocalMdDigest, writeLocalMdDigest } from "./_local_md_state.ts";
 * import { Workspace } from "./workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await workspace.ensureStateDir();
 * deepStrictEqual(await readLocalMdDigest(workspace), "");
 * await writeLocalMdDigest(workspace, "ab12");
 * deepStrictEqual(await readLocalMdDigest(workspace), "ab12");
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function readLocalMdDigest(workspace: Workspace): Promise<string> {
  let last = "";
  for await (const row of readLines(workspace.file("localMdState"))) {
    if (row.ok) last = row.text.split("\t")[1] ?? "";
  }
  return last;
}

/**
 * Records `digest` as the last uploaded `CLAUDE.local.md` (atomic replace).
 *
 * @example
 * ```ts
 * import { writeLocalMdDigest } from "./_local_md_state.ts";
 * import { Workspace } from "./workspace.ts";
 * import { match } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await workspace.ensureStateDir();
 * await writeLocalMdDigest(workspace, "ab12");
 * match(await Deno.readTextFile(workspace.file("localMdState")), /^\S+Z\tab12\n$/);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function writeLocalMdDigest(workspace: Workspace, digest: string): Promise<void> {
  await writeFileAtomic(
    workspace.file("localMdState"),
    `${formatTimestamp(new Date())}\t${digest}\n`,
  );
}
