/**
 * Where a workspace's state lives: the workspace folder `W`, how it is found,
 * and the names of the files in `W/.claude/`.
 *
 * @module
 */

import { joinPath, resolvePath } from "../fs/_path.ts";

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
  /** Ours only: the digest of the last uploaded `CLAUDE.local.md`. */
  localMdState: "agnes-local-md-uploaded.txt",
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
   * `$CLAUDE_PROJECT_DIR` (each when non-empty), else the current directory.
   *
   * @example
   * ```ts
   * import { Workspace } from "@agnes/sessions";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(Workspace.resolve("/srv/project").root.endsWith("project"), true);
   * ```
   */
  static resolve(dir?: string): Workspace {
    const chosen = [dir, Deno.env.get("AGNES_LOCAL_DIR"), Deno.env.get("CLAUDE_PROJECT_DIR")]
      .find((candidate) => candidate !== undefined && candidate.trim() !== "");
    return new Workspace(chosen ?? Deno.cwd());
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
    Deno.mkdirSync(this.stateDir, { recursive: true });
    return Promise.resolve();
  }
}
