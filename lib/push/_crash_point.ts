/**
 * Crash points: the steps of a push where the crash tests kill it, so each
 * step's durability is pinned by a test instead of by luck. A test sets
 * `AGNES_SESSIONS_TEST_CRASH_AT=<point>` (or `<point>:<n>`, the n-th time the
 * point is reached) and the push SIGKILLs itself there. Unset, a crash point
 * costs one comparison.
 *
 * @module
 */

/** The points a push passes, in order. */
export type CrashPoint =
  | "after-snapshot"
  | "after-retry-snapshot"
  | "after-failed-log-rewrite"
  | "after-upload"
  | "after-early-flush"
  | "after-logs"
  | "after-requeue";

const VARIABLE = "AGNES_SESSIONS_TEST_CRASH_AT";

let target: { point: string; count: number } | null | undefined;
const reached = new Map<string, number>();

function parseTarget(): { point: string; count: number } | null {
  let text: string | undefined;
  try {
    // Asked first, so a library user who grants no env access is never prompted for a test variable.
    const access = Deno.permissions.querySync({ name: "env", variable: VARIABLE });
    text = access.state === "granted" ? Deno.env.get(VARIABLE) : undefined;
  } catch {
    return null; // no permission API or no access: no crash points
  }
  if (!text) return null;
  const [point = "", count = "1"] = text.split(":");
  return { point, count: Number(count) || 1 };
}

/**
 * Kills this process with SIGKILL when the crash tests asked for `point`
 * (see the module doc); otherwise does nothing.
 */
export function crashPoint(point: CrashPoint): void {
  target ??= parseTarget();
  if (target === null || target.point !== point) return;
  const times = (reached.get(point) ?? 0) + 1;
  reached.set(point, times);
  if (times === target.count) Deno.kill(Deno.pid, "SIGKILL");
}
