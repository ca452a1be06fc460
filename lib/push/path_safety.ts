/**
 * What may be uploaded: only regular `.jsonl` files under Claude
 * Code's projects folder or a folder the user allowed, whose name the server
 * accepts. A queue row pointing at `~/.ssh/id_rsa` never leaves the machine.
 *
 * @module
 */

import { baseName, dirName, isAbsolutePath } from "../fs/path.ts";
import { UPLOAD_NAME } from "../http/wire.ts";

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

/** How many folders' real paths a checker remembers (transcripts live in a few folders). */
const REMEMBERED_FOLDERS = 1024;

/** `dir` and `name` joined with the separator `dir` uses, once. */
function inFolder(dir: string, name: string): string {
  if (dir.endsWith("/") || dir.endsWith("\\")) return dir + name;
  return `${dir}${dir.includes("\\") ? "\\" : "/"}${name}`;
}

/**
 * Decides, path by path, what may be uploaded (see
 * {@linkcode checkUploadPath}), with synchronous file calls and the real
 * path of each folder and allowed root resolved once: a push checks every
 * entry of a queue of any length with one `lstat` each.
 *
 * @example
 * ```ts
 * import { UploadPathChecker } from "./path_safety.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${root}/s1.jsonl`, "{}\n");
 * const checker = new UploadPathChecker([root]);
 * deepStrictEqual(checker.check(`${root}/s1.jsonl`).ok, true);
 * deepStrictEqual(checker.check(`${root}/s2.jsonl`), { ok: false, reason: "missing" });
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class UploadPathChecker {
  #roots: string[] | undefined;
  #realFolders = new Map<string, string>();

  /**
   * Makes a checker; nothing is read yet.
   *
   * @param allowedRoots Folders transcripts may be uploaded from.
   */
  constructor(readonly allowedRoots: readonly string[]) {}

  /** The allowed roots' real paths, resolved once they all exist. */
  #realRoots(): string[] {
    if (this.#roots !== undefined) return this.#roots;
    let all = true;
    const roots = this.allowedRoots.map((root) => {
      try {
        return Deno.realPathSync(root);
      } catch {
        all = false;
        return root; // not there yet: resolved again next time
      }
    });
    if (all) this.#roots = roots;
    return roots;
  }

  /** The real path of a file that is not a link: its folder's real path (remembered), then its name. */
  #realPathOfFile(path: string): string {
    if (!isAbsolutePath(path)) return Deno.realPathSync(path);
    const folder = dirName(path);
    let real = this.#realFolders.get(folder);
    if (real === undefined) {
      real = Deno.realPathSync(folder);
      if (this.#realFolders.size >= REMEMBERED_FOLDERS) this.#realFolders.clear();
      this.#realFolders.set(folder, real);
    }
    return inFolder(real, baseName(path));
  }

  /** The verdict on `path`. */
  check(path: string): PathVerdict {
    if (!path.endsWith(".jsonl")) return { ok: false, reason: "not_jsonl" };
    if (!UPLOAD_NAME.test(baseName(path))) return { ok: false, reason: "bad_filename" };
    let info: Deno.FileInfo;
    let realPath: string;
    try {
      info = Deno.lstatSync(path);
      const link = info.isSymlink;
      if (link) info = Deno.statSync(path); // the target must be a regular file
      if (!info.isFile) return { ok: false, reason: "not_regular_file" };
      realPath = link ? Deno.realPathSync(path) : this.#realPathOfFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return { ok: false, reason: "missing" };
      return { ok: false, reason: "not_regular_file" };
    }
    if (!realPath.endsWith(".jsonl")) return { ok: false, reason: "not_jsonl" };
    if (!this.#realRoots().some((root) => isInside(realPath, root))) {
      return { ok: false, reason: "outside_allowed" };
    }
    return { ok: true, realPath, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 };
  }
}

/**
 * Decides whether `path` may be uploaded: it must end in `.jsonl`, have a name
 * the server accepts, be a regular file (a symbolic link only when its target
 * passes too), and lie under one of `allowedRoots` once links are resolved.
 * To check many paths, use one {@linkcode UploadPathChecker}.
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
export function checkUploadPath(
  path: string,
  allowedRoots: readonly string[],
): Promise<PathVerdict> {
  return Promise.resolve(new UploadPathChecker(allowedRoots).check(path));
}
