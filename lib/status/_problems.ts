/**
 * Turning a status report into the problems that need the analyst, each
 * with one line saying what to do.
 *
 * @module
 */

import { counted } from "../cli/style.ts";
import { parseTimestamp } from "../format/timestamp.ts";
import type { LockState } from "../lock/inspect_lock.ts";
import type { Problem, StatusReport } from "./status_report.ts";

const MINUTE = 60_000;

/** Capture outcomes that mean a session may not have been queued. */
const BAD_CAPTURES = new Set(["stdin_read_error", "write_error", "lock_timeout", "empty_stdin"]);

function ageMs(stamp: string | null, now: Date): number {
  const time = stamp === null ? undefined : parseTimestamp(stamp);
  return time === undefined ? 0 : now.getTime() - time.getTime();
}

function lockProblems(name: string, lock: LockState, now: Date): Problem[] {
  if (lock.state === "not_a_lock_file") {
    return [{
      problem: `the ${name} lock .claude/agnes-${name}.lock is not a lock file: ${lock.detail}`,
      fix: `remove .claude/agnes-${name}.lock (it is recreated as needed)`,
    }];
  }
  if (
    lock.state === "held" && lock.owner !== null && ageMs(lock.owner.created, now) > 30 * MINUTE
  ) {
    const { pid, host, created } = lock.owner;
    return [{
      problem: `process ${pid} on ${host} has held the ${name} lock since ${created}`,
      fix: `if that process hangs, stop it (kill ${pid}); its lock goes with it`,
    }];
  }
  return [];
}

function queueProblems(report: StatusReport, now: Date): Problem[] {
  const problems: Problem[] = [];
  const pushRunning = report.locks.push.state === "held";
  if (
    report.snapshots.count > 0 && !pushRunning && ageMs(report.snapshots.oldest, now) > 10 * MINUTE
  ) {
    problems.push({
      problem: `a push stopped before it finished (${
        counted(report.snapshots.count, "snapshot")
      } left)`,
      fix: 'run "agnes-sessions push" to finish it; nothing in them is lost',
    });
  }
  if (report.queue.requeued > 0 && ageMs(report.queue.oldestFailure, now) > 24 * 60 * MINUTE) {
    problems.push({
      problem: `${
        counted(report.queue.requeued, "queued session")
      } failing to upload since ${report.queue.oldestFailure}`,
      fix: 'run "agnes-sessions push" to see why (they are given up after 30 days)',
    });
  }
  if (report.failures.total > 0) {
    problems.push({
      problem: `${
        counted(report.failures.total, "session")
      } given up (see .claude/agnes-sessions-failed.txt)`,
      fix: 'run "agnes-sessions push --retry-failed" to try them again',
    });
  }
  return problems;
}

function captureProblems(report: StatusReport): Problem[] {
  const last = report.captures.last.at(-1);
  if (last === undefined || !BAD_CAPTURES.has(last.fields[0] ?? "")) return [];
  const [outcome, ...detail] = last.fields;
  return [{
    problem: `the last capture (${last.time}) ended with ${outcome}: ${detail.join(" ")}`,
    fix:
      'its session is sent by the next "agnes-sessions push --scan" (the SessionEnd hook runs one)',
  }];
}

function installProblems(report: StatusReport): Problem[] {
  const { installation } = report;
  const problems: Problem[] = installation.problems.map(({ path, problem }) => ({
    problem: `cannot read "${path}": ${problem}`,
    fix: "repair it, or run install with --force to rebuild it",
  }));
  const events = ["SessionStart", "SessionEnd"] as const;
  const missing = events.filter((event) =>
    installation.hooks[event].length === 0 && installation.python.hooks[event].length === 0
  );
  if (missing.length > 0) {
    problems.push({
      problem: `no capture hook for ${missing.join(" and ")} in Claude Code's settings`,
      fix: 'run "agnes-sessions install" in this workspace',
    });
  }
  return problems;
}

/**
 * The problems a report shows, besides those found while reading it.
 *
 * @example
 * ```ts
 * import { derivedProblems } from "./_problems.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const lock = { state: "free", lastOwner: null } as const;
 * const empty = { total: 0, last: [] };
 * const report = {
 *   workspace: "/w",
 *   queue: { entries: 0, requeued: 0, oldestFailure: null, malformed: 0 },
 *   snapshots: { count: 0, oldest: null },
 *   uploads: empty,
 *   failures: { total: 2, last: [] },
 *   privacy: { marked: 0, skipped: empty },
 *   pushes: { lastSuccess: null, lastCatchUp: null },
 *   captures: { last: [], outcomes: {} },
 *   locks: { queue: lock, push: lock },
 *   server: { url: "https://a", source: "default", tokenSource: null, check: null },
 *   installation: {
 *     workspace: "/w",
 *     hooks: { SessionStart: [], SessionEnd: [] },
 *     statusLine: null,
 *     slashCommand: null,
 *     python: { hooks: { SessionStart: [], SessionEnd: [] }, statusLine: false, slashCommand: false },
 *     recorded: [],
 *     problems: [],
 *   },
 *   problems: [],
 * };
 * deepStrictEqual(derivedProblems(report, new Date()).map((p) => p.fix), [
 *   'run "agnes-sessions push --retry-failed" to try them again',
 *   'run "agnes-sessions install" in this workspace',
 * ]);
 * ```
 */
export function derivedProblems(report: StatusReport, now: Date): Problem[] {
  return [
    ...lockProblems("queue", report.locks.queue, now),
    ...lockProblems("push", report.locks.push, now),
    ...queueProblems(report, now),
    ...captureProblems(report),
    ...installProblems(report),
  ];
}
