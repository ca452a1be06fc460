/**
 * Reading the private list `W/.claude/agnes-sessions-private.txt`: one
 * session id per line, written by `/agnes-private` (`mark_private.ts`). A
 * private session is never queued by capture and never uploaded by push.
 * Reads never create `.claude/`.
 *
 * @module
 */

import { readTextFileBounded, SMALL_FILE_LIMIT } from "../fs/read_bounded.ts";
import { folderListsName } from "../fs/regular_file.ts";
import type { Workspace } from "./workspace.ts";

/**
 * Reads the private list: one id per line, blank lines and a leading UTF-8
 * BOM ignored, `\r\n` tolerated. A missing file is an empty list.
 *
 * @throws {RefusedFileError} when the list is not a regular file or is over
 * 1 MiB: privacy cannot be known, so callers upload nothing.
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
  if (!folderListsName(path)) return Promise.resolve(new Set()); // the usual case
  let text: string | undefined;
  try {
    text = readTextFileBounded(path, SMALL_FILE_LIMIT);
  } catch (error) {
    return Promise.reject(error);
  }
  const ids = new Set<string>();
  for (const line of (text ?? "").replace(/^\uFEFF/, "").split("\n")) {
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
