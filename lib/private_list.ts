/**
 * The private list `W/.claude/agnes-sessions-private.txt`: one session id per
 * line, written by `/agnes-private`. A private session is never queued by
 * capture and never uploaded by push.
 *
 * Reads never create `.claude/`. Changes are made under the queue lock, so
 * concurrent writers cannot lose each other's ids; an addition is synced
 * before it is reported.
 *
 * @module
 */

import { withLock } from "./lock.ts";
import { assertRowField } from "./row.ts";
import { appendLines, mayExist, writeFileAtomic } from "./text_file.ts";
import type { Workspace } from "./workspace.ts";

/**
 * Reads the private list: one id per line, blank lines and a leading UTF-8
 * BOM ignored, `\r\n` tolerated. A missing file is an empty list.
 *
 * @example
 * ```ts
 * import { readPrivateList, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual((await readPrivateList(workspace)).size, 0);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export function readPrivateList(workspace: Workspace): Promise<Set<string>> {
  const path = workspace.file("privateList");
  if (!mayExist(path)) return Promise.resolve(new Set()); // the usual case
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return Promise.resolve(new Set());
    }
    return Promise.reject(error);
  }
  const ids = new Set<string>();
  for (const line of text.replace(/^\uFEFF/, "").split("\n")) {
    const id = line.trim();
    if (id !== "") ids.add(id);
  }
  return Promise.resolve(ids);
}

/**
 * Whether `sessionId` is on the private list. An empty id is never private.
 *
 * @example
 * ```ts
 * import { isPrivateSession, Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * deepStrictEqual(await isPrivateSession(workspace, "abc"), false);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function isPrivateSession(workspace: Workspace, sessionId: string): Promise<boolean> {
  const id = sessionId.trim();
  return id !== "" && (await readPrivateList(workspace)).has(id);
}

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
