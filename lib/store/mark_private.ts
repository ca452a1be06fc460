/**
 * Changing the private list `W/.claude/agnes-sessions-private.txt`: marking
 * a session private and unmarking it. Changes are made under the queue lock,
 * so concurrent writers cannot lose each other's ids; an addition is synced
 * before it is reported.
 *
 * @module
 */

import { withLock } from "../lock/acquire_lock.ts";
import { assertRowField } from "../format/row.ts";
import { appendLines } from "../fs/append_lines.ts";
import { writeFileAtomic } from "../fs/write_file_atomic.ts";
import { readPrivateList } from "./private_list.ts";
import type { Workspace } from "./workspace.ts";

/**
 * Adds `sessionId` to the private list, creating the file, and syncs it.
 * Returns `false` when it was already there (or is empty: a no-op).
 *
 * @throws {TypeError} when the id contains TAB, CR, LF or NUL.
 *
 * @example
 * ```ts
 * import { addPrivateSession, isPrivateSession, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual(await addPrivateSession(workspace, "abc"), true);
 * deepStrictEqual(await addPrivateSession(workspace, "abc"), false);
 * deepStrictEqual(await isPrivateSession(workspace, "abc"), true);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function addPrivateSession(workspace: Workspace, sessionId: string): Promise<boolean> {
  const id = sessionId.trim();
  if (id === "") return false;
  assertRowField("session id", id);
  await workspace.ensureStateDir();
  return await withLock(workspace.file("queueLock"), async () => {
    if ((await readPrivateList(workspace)).has(id)) return false;
    await appendLines(workspace.file("privateList"), [id]);
    return true;
  }, { purpose: "mark-private" });
}

/**
 * Removes `sessionId` from the private list by an atomic rewrite. Returns
 * `false` when it was not there.
 *
 * @example
 * ```ts
 * import { addPrivateSession, removePrivateSession, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await addPrivateSession(workspace, "abc");
 * deepStrictEqual(await removePrivateSession(workspace, "abc"), true);
 * deepStrictEqual(await removePrivateSession(workspace, "abc"), false);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function removePrivateSession(
  workspace: Workspace,
  sessionId: string,
): Promise<boolean> {
  const id = sessionId.trim();
  if (id === "" || !await workspace.hasStateDir()) return false;
  return await withLock(workspace.file("queueLock"), async () => {
    const ids = await readPrivateList(workspace);
    if (!ids.delete(id)) return false;
    const text = [...ids].map((kept) => kept + "\n").join("");
    await writeFileAtomic(workspace.file("privateList"), text);
    return true;
  }, { purpose: "unmark-private" });
}
