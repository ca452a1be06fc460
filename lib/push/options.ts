/**
 * What a push is told: the workspace, the server client and the rules.
 *
 * @module
 */

import type { AgnesClient } from "../http/client.ts";
import type { Workspace } from "../store/workspace.ts";

/** The part of {@linkcode AgnesClient} a push uses (`server` names its upload ledger). */
export type PushClient = Pick<AgnesClient, "server" | "health" | "uploadSession" | "uploadLocalMd">;

/** Options for `push`. */
export interface PushOptions {
  /** The workspace to push. */
  workspace: Workspace;
  /** The server client (its token is never reported). */
  client: PushClient;
  /** Folders transcripts may be uploaded from (projects root, `--allow-path`). */
  allowedRoots: readonly string[];
  /** Parallel uploads, 1 to 64. Default 4. */
  concurrency?: number;
  /** `false` never gzips; otherwise gzip when the server accepts it. */
  gzip?: boolean;
  /** Give entries of the failed log one more try. */
  retryFailed?: boolean;
  /** Also send the workspace's transcripts found in Claude Code's projects folder (`--scan`). */
  scan?: boolean;
  /** Claude Code's projects folder, for `scan`. Default: `$CLAUDE_CONFIG_DIR/projects`, else `~/.claude/projects`. */
  projectsRoot?: string;
  /**
   * The server the Python `agnes` tool pushes to (the `server:` key of
   * `config.yaml`). When this push goes there, that tool's rows in the shared
   * uploaded log count as uploads, and ours are written so that it counts
   * them. Default: none, and the two tools' rows are kept apart.
   */
  sharedServer?: string | undefined;
  /** The clock, for the 30-day rule. */
  now?: () => Date;
  /** Consecutive transient failures that trip the circuit breaker. Default 5. */
  breakerThreshold?: number;
  /** Longest `Retry-After` honoured within a run, in ms. Default 5 000. */
  maxRetryAfterMs?: number;
  /** Called after each entry with (done, total). */
  onProgress?: (done: number, total: number) => void;
}
