/**
 * What may be uploaded: only regular `.jsonl` files under Claude
 * Code's projects folder or a folder the user allowed, whose name the server
 * accepts. A queue row pointing at `~/.ssh/id_rsa` never leaves the machine.
 *
 * @module
 */

import { baseName } from "../fs/_path.ts";
import { UPLOAD_NAME } from "../http/_wire.ts";

/** Why a path may not be uploaded, or `"missing"` when it does not exist (yet). */
export type PathVerdict =
  | { ok: true; realPath: string; size: number; mtimeMs: number }
  | {
    ok: false;
    reason: "missing" | "not_jsonl" | "bad_filename" | "not_regular_file" | "outside_allowed";
  };

const caseInsensitive = Deno.build.os === "windows" || Deno.build.os === "darwin";

function isInside(path: string, root: string): boolean {
  const [p, r] = caseInsensitive ? [path.toLowerCase(), root.toLowerCase()] : [path, root];
  const prefix = r.endsWith("/") || r.endsWith("\\") ? r : r + (r.includes("\\") ? "\\" : "/");
  return p.startsWith(prefix);
}

const realRoots = new Map<string, string>();

/** The real path of an allowed root, resolved once per process. */
async function realPathOrSelf(path: string): Promise<string> {
  let real = realRoots.get(path);
  if (real === undefined) {
    try {
      real = await Deno.realPath(path);
      realRoots.set(path, real);
    } catch {
      return path; // not there yet: try again next time
    }
  }
  return real;
}

/**
 * Decides whether `path` may be uploaded: it must end in `.jsonl`, have a name
 * the server accepts, be a regular file (a symbolic link only when its target
 * passes too), and lie under one of `allowedRoots` once links are resolved.
 *
 * @example
 * ```ts
 * import { checkUploadPath } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${root}/s1.jsonl`, "{}\n");
 * deepStrictEqual((await checkUploadPath(`${root}/s1.jsonl`, [root])).ok, true);
 * deepStrictEqual(await checkUploadPath("/etc/passwd", [root]), { ok: false, reason: "not_jsonl" });
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function checkUploadPath(
  path: string,
  allowedRoots: readonly string[],
): Promise<PathVerdict> {
  if (!path.endsWith(".jsonl")) return { ok: false, reason: "not_jsonl" };
  if (!UPLOAD_NAME.test(baseName(path))) return { ok: false, reason: "bad_filename" };
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path); // follows links: the target must be a regular file
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { ok: false, reason: "missing" };
    return { ok: false, reason: "not_regular_file" };
  }
  if (!info.isFile) return { ok: false, reason: "not_regular_file" };
  const realPath = await Deno.realPath(path);
  if (!realPath.endsWith(".jsonl")) return { ok: false, reason: "not_jsonl" };
  const roots = await Promise.all(allowedRoots.map(realPathOrSelf));
  if (!roots.some((root) => isInside(realPath, root))) {
    return { ok: false, reason: "outside_allowed" };
  }
  return { ok: true, realPath, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 };
}
