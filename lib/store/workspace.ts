/**
 * Where a workspace's state lives: the workspace folder `W`, how it is found,
 * and the names of the files in `W/.claude/`.
 *
 * @module
 */

import { joinPath, resolvePath } from "../fs/path.ts";
import { findWorkspaceFrom } from "./_find_workspace.ts";

/**
 * Thrown when the workspace folder named by `--workspace`,
 * `$AGNES_LOCAL_DIR` or `$CLAUDE_PROJECT_DIR` does not exist.
 *
 * @example
 * ```ts
 * import { WorkspaceNotFoundError } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(new WorkspaceNotFoundError("Cannot use workspace").name, "WorkspaceNotFoundError");
 * ```
 */
export class WorkspaceNotFoundError extends Error {
  /** Always `"WorkspaceNotFoundError"`. */
  override name = "WorkspaceNotFoundError";
}

function isFolder(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** The file names in `W/.claude/`, shared with the Python `agnes` tool. */
export const WORKSPACE_FILES = {
  queue: "agnes-sessions.txt",
  uploadedLog: "agnes-sessions-uploaded.txt",
  privateList: "agnes-sessions-private.txt",
  privateSkippedLog: "agnes-sessions-private-skipped.txt",
  failedLog: "agnes-sessions-failed.txt",
  captureLog: "agnes-capture-session.log",
  queueLock: "agnes-queue.lock",
  pushLock: "agnes-push.lock",
  /** Touched by every push that finished without a stop (ours only; its time is what counts). */
  lastPushStamp: "agnes-last-push.stamp",
  /** Touched by the SessionStart hook before it starts a catch-up push (at most once an hour). */
  catchUpStamp: "agnes-catch-up.stamp",
  /** The analyst's notes for the server, uploaded by push. */
  localMd: "CLAUDE.local.md",
} as const;

/** A key of {@linkcode WORKSPACE_FILES}. */
export type WorkspaceFile = keyof typeof WORKSPACE_FILES;

/**
 * A workspace folder and the paths of its state files.
 *
 * @example
 * ```ts
 * import { Workspace } from "@agnes/sessions";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace("/home/me/project");
 * deepStrictEqual(workspace.file("queue").endsWith("agnes-sessions.txt"), true);
 * ```
 */
export class Workspace {
  /** The absolute workspace folder `W`. */
  readonly root: string;
  /** `W/.claude`, where all state lives. */
  readonly stateDir: string;

  /**
   * Names a workspace folder without touching the disk.
   *
   * @param root The workspace folder; made absolute.
   */
  constructor(root: string) {
    this.root = resolvePath(root);
    this.stateDir = joinPath(this.root, ".claude");
  }

  /**
   * Resolves `W`: `dir` (from `--workspace`), else `$AGNES_LOCAL_DIR`, else
   * `$CLAUDE_PROJECT_DIR` (each when non-empty), else the nearest folder from
   * the current one up whose `.claude/` holds a file of ours (never the home
   * folder), else the current folder.
   *
   * @param dir The folder given with `--workspace`.
   * @param options `checkFolder: false` skips checking that a folder named by
   * the flag or an environment variable exists (a `stat`, about 0.3 ms at a
   * hook's start): for a reader that shows nothing for a missing folder, as
   * the status line does, whose first read finds nothing there either.
   *
   * @throws {WorkspaceNotFoundError} when a folder named by the flag or an
   * environment variable does not exist: nothing is created for it.
   *
   * @example
   * ```ts
   * import { Workspace, WorkspaceNotFoundError } from "@agnes/sessions";
   * import { deepStrictEqual, throws } from "node:assert/strict";
   *
   * const dir = await Deno.makeTempDir();
   * deepStrictEqual(Workspace.resolve(dir).root, new Workspace(dir).root);
   * throws(() => Workspace.resolve(`${dir}/missing`), WorkspaceNotFoundError);
   * await Deno.remove(dir);
   * ```
   */
  static resolve(dir?: string, options: { checkFolder?: boolean } = {}): Workspace {
    const named: [string, string | undefined][] = [
      ["--workspace", dir],
      ["$AGNES_LOCAL_DIR", Deno.env.get("AGNES_LOCAL_DIR")],
      ["$CLAUDE_PROJECT_DIR", Deno.env.get("CLAUDE_PROJECT_DIR")],
    ];
    const chosen = named.find(([, value]) => value !== undefined && value.trim() !== "");
    if (chosen === undefined) {
      return new Workspace(findWorkspaceFrom(Deno.cwd()) ?? Deno.cwd());
    }
    const [source, folder] = chosen as [string, string];
    if (options.checkFolder !== false && !isFolder(folder)) {
      throw new WorkspaceNotFoundError(
        `Cannot use workspace "${folder}" (from ${source}): no such folder`,
      );
    }
    return new Workspace(folder);
  }

  /**
   * The path of one of the state files.
   *
   * @example
   * ```ts
   * import { Workspace } from "@agnes/sessions";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const workspace = new Workspace("/w");
   * deepStrictEqual(workspace.file("privateList").endsWith("agnes-sessions-private.txt"), true);
   * ```
   */
  file(name: WorkspaceFile): string {
    return joinPath(this.stateDir, WORKSPACE_FILES[name]);
  }

  /**
   * Whether `W/.claude/` exists (readers never create it).
   *
   * @example
   * ```ts
   * import { Workspace } from "@agnes/sessions";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const workspace = new Workspace(await Deno.makeTempDir());
   * deepStrictEqual(await workspace.hasStateDir(), false);
   * await Deno.remove(workspace.root);
   * ```
   */
  hasStateDir(): Promise<boolean> {
    try {
      return Promise.resolve(Deno.statSync(this.stateDir).isDirectory);
    } catch {
      return Promise.resolve(false);
    }
  }

  /**
   * Creates `W/.claude/` when missing (writers only).
   *
   * @example
   * ```ts
   * import { Workspace } from "@agnes/sessions";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const workspace = new Workspace(await Deno.makeTempDir());
   * await workspace.ensureStateDir();
   * deepStrictEqual(await workspace.hasStateDir(), true);
   * await Deno.remove(workspace.root, { recursive: true });
   * ```
   */
  ensureStateDir(): Promise<void> {
    try {
      if (Deno.statSync(this.stateDir).isDirectory) return Promise.resolve(); // the usual case
    } catch {
      // Missing (or unreadable): make it, and let mkdir say what is wrong.
    }
    try {
      Deno.mkdirSync(this.stateDir); // never the workspace folder itself: it must exist
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) return Promise.reject(error);
    }
    return Promise.resolve();
  }
}
