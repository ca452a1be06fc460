/**
 * What `push` prints: the report as text or JSON, a warning per error that
 * names the URL and says what to do, and the dry run's groups.
 *
 * @module
 */

import { colourFor, counted, paint } from "../cli/style.ts";
import type { PushPlan } from "../push/plan.ts";
import type { PushError, PushReport } from "../push/report.ts";

/** The `--json` object: the report under the snake_case keys scripts rely on. */
export function reportJson(report: PushReport): Record<string, unknown> {
  return {
    sessions: report.sessions,
    local_md: report.localMd,
    errors: report.errors,
    errors_omitted: report.errorsOmitted,
    private_skipped: report.privateSkipped,
    dropped_permanent: report.droppedPermanent,
    requeued: report.requeued,
    requeue_reasons: report.requeueReasons,
    already_uploaded: report.alreadyUploaded,
    scanned: report.scanned,
    stopped: report.stopped,
    token_rejected: report.tokenRejected,
  };
}

/** The report as the lines of text a person reads (only non-zero lines besides the first). */
export function reportLines(report: PushReport): string[] {
  const lines = [`Uploaded ${counted(report.sessions, "session")}`];
  if (report.privateSkipped > 0) {
    lines.push(
      `Skipped ${
        counted(report.privateSkipped, "private session")
      } (see .claude/agnes-sessions-private-skipped.txt)`,
    );
  }
  if (report.requeued > 0) {
    lines.push(
      `Requeued ${counted(report.requeued, "session")} for the next push (${
        report.requeueReasons.join(", ")
      })`,
    );
  }
  if (report.droppedPermanent > 0) {
    lines.push(
      `Dropped ${
        counted(report.droppedPermanent, "session")
      } with permanent failure (see .claude/agnes-sessions-failed.txt)`,
    );
  }
  if (report.localMd) lines.push("Uploaded CLAUDE.local.md");
  return lines;
}

const REFUSALS: Record<string, string> = {
  not_jsonl: "it is not a .jsonl transcript; it is never uploaded",
  bad_filename: "its name is not one the server accepts; it is never uploaded",
  not_regular_file: "it is not a regular file; it is never uploaded",
  outside_allowed:
    "it is outside Claude Code's projects folder; it is never uploaded (--allow-path DIR allows another folder)",
};

/** What an HTTP status means for the session, and what to do. */
function statusAdvice(status: number, server: string): string {
  const from = `HTTP ${status} from ${server}/api/upload/sessions`;
  if (status === 401 || status === 403) {
    return `${from}: the server rejects the token; run "agnes-sessions login --server ${server}" (the session stays queued)`;
  }
  if (status >= 300 && status < 400) return `${from}: the server moved; check the server URL`;
  if (status === 408 || status === 429 || status >= 500) {
    return `${from}: the server is busy or failing; the session stays queued for the next push`;
  }
  return `${from}: refused for good (see .claude/agnes-sessions-failed.txt; "agnes-sessions push --retry-failed" tries again)`;
}

/** One warning line for an error of the report. */
export function warningLine(error: PushError, server: string): string {
  if ("status" in error) return `${error.file}: ${statusAdvice(error.status, server)}`;
  const refused = /^refused: (\w+)$/.exec(error.error);
  if (refused) return `${error.file}: ${REFUSALS[refused[1]!] ?? error.error}`;
  if (error.error.startsWith("transcript not found")) {
    return `${error.file}: not there yet (Claude Code writes it at the first prompt); it stays queued`;
  }
  if (error.error.startsWith("gave up") || error.error.startsWith("not uploaded")) {
    return `${error.file}: ${error.error}`;
  }
  return `${error.file}: ${error.error}; the session stays queued for the next push`;
}

/** Prints the report's warnings on stderr, `warn:` in yellow on a terminal, then how many more there were. */
export function printWarnings(report: PushReport, server: string): void {
  const warn = paint("warn:", "yellow", colourFor(Deno.stderr));
  for (const error of report.errors) console.error(`${warn} ${warningLine(error, server)}`);
  if (report.errorsOmitted > 0) {
    console.error(
      `${warn} and ${
        counted(report.errorsOmitted, "more failure")
      } like these (see "agnes-sessions status" and .claude/agnes-sessions-failed.txt)`,
    );
  }
}

/** The `--dry-run --json` object. */
export function planJson(plan: PushPlan): Record<string, unknown> {
  const entry = ({ sessionId, path }: { sessionId: string; path: string }) => ({
    session_id: sessionId,
    path,
  });
  return {
    dry_run: true,
    would_upload: { sessions: plan.upload.map((item) => item.path), local_md: plan.localMd },
    would_skip_private: plan.privateSkips.map(entry),
    would_refuse: plan.refused.map((item) => ({ ...entry(item), reason: item.reason })),
    missing: plan.missing.map(entry),
    already_uploaded: plan.alreadyUploaded.map(entry),
    local_md_refused: plan.localMdRefused,
    summary: {
      sessions_count: plan.upload.length,
      private_skipped_count: plan.privateSkips.length,
      refused_count: plan.refused.length,
      missing_count: plan.missing.length,
      already_uploaded_count: plan.alreadyUploaded.length,
      local_md_present: plan.localMd !== null,
      uploaded_log: plan.uploadedLog,
    },
  };
}

/** The dry run as text: what would be uploaded, then each group that would not. */
export function planLines(plan: PushPlan, quiet: boolean): string[] {
  const lines = [`Dry run - would upload ${counted(plan.upload.length, "session file")}`];
  if (quiet) return lines;
  lines.push(...plan.upload.map(({ path }) => `  ${path}`));
  const group = (title: string, items: string[]) =>
    items.length === 0 ? [] : [title, ...items.map((item) => `  ${item}`)];
  lines.push(
    ...group(
      `Would skip ${counted(plan.privateSkips.length, "private session")}:`,
      plan.privateSkips.map(({ sessionId, path }) => `[${sessionId}] ${path}`),
    ),
    ...group(
      `Would refuse ${counted(plan.refused.length, "session")} (never uploaded):`,
      plan.refused.map(({ path, reason }) => `${path}  (${reason})`),
    ),
    ...group(
      `Not there yet, ${counted(plan.missing.length, "session")} (stays queued):`,
      plan.missing.map(({ path }) => path),
    ),
    ...group(
      `Already uploaded unchanged, ${counted(plan.alreadyUploaded.length, "session")}:`,
      plan.alreadyUploaded.map(({ path }) => path),
    ),
  );
  if (plan.localMd !== null) lines.push(`Would upload CLAUDE.local.md  (${plan.localMd})`);
  else if (plan.localMdRefused !== null) lines.push(`CLAUDE.local.md: ${plan.localMdRefused}`);
  else lines.push("No CLAUDE.local.md to upload");
  return lines;
}
