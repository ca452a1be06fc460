/**
 * What `install --dry-run` prints: per file, one line of what would happen and
 * why, then a line diff (unified-diff hunks with two lines of context).
 *
 * @module
 */

import { type FileChange, relativeToWorkspace } from "./files.ts";

/** Largest table the line matcher fills (lines before × lines after); past it, all lines change. */
const MAX_CELLS = 4_000_000;
const CONTEXT = 2;

/** One line of the edit script: kept (" "), removed ("-") or added ("+"). */
type Op = { kind: " " | "-" | "+"; text: string };

function linesOf(text: string | undefined): string[] {
  return text === undefined || text === "" ? [] : text.replace(/\n$/, "").split("\n");
}

/** The edit script from `a` to `b` by longest common subsequence. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const removed = a.map((text): Op => ({ kind: "-", text }));
  if (a.length * b.length > MAX_CELLS) {
    return [...removed, ...b.map((text): Op => ({ kind: "+", text }))];
  }
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width); // common lines of a[i..] and b[j..]
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j]
        ? table[(i + 1) * width + j + 1]! + 1
        : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  for (let i = 0, j = 0; i < a.length || j < b.length;) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: " ", text: a[i++]! });
      j++;
    } else if (
      j < b.length && (i === a.length || table[i * width + j + 1]! > table[(i + 1) * width + j]!)
    ) {
      ops.push({ kind: "+", text: b[j++]! });
    } else {
      ops.push(removed[i++]!);
    }
  }
  return ops;
}

/** Groups the script into hunks: changed lines with their context, each under its `@@` line. */
function hunks(ops: readonly Op[]): string[] {
  const shown = ops.map((_, index) =>
    ops.slice(Math.max(0, index - CONTEXT), index + CONTEXT + 1).some((op) => op.kind !== " ")
  );
  const out: string[] = [];
  let aLine = 1, bLine = 1;
  for (let index = 0, start = 0; index < ops.length; start = index) {
    while (index < ops.length && shown[index] === shown[start]) index++;
    const run = ops.slice(start, index);
    const aCount = run.filter((op) => op.kind !== "+").length;
    const bCount = run.filter((op) => op.kind !== "-").length;
    // As in unified diffs, an empty side names the line before it.
    const [from, to] = [aCount ? aLine : aLine - 1, bCount ? bLine : bLine - 1];
    const head = `@@ -${from},${aCount} +${to},${bCount} @@`;
    if (shown[start]) out.push(head, ...run.map((op) => `${op.kind}${op.text}`));
    [aLine, bLine] = [aLine + aCount, bLine + bCount];
  }
  return out;
}

/** The diff of the file at `path` from `before` to `after` (`undefined`: no file). */
export function formatDiff(path: string, before?: string, after?: string): string {
  return [
    `--- ${before === undefined ? "(no file)" : path}`,
    `+++ ${after === undefined ? "(removed)" : path}`,
    ...hunks(editScript(linesOf(before), linesOf(after))),
  ].join("\n");
}

/** What would happen to a file, as the dry run's line above its diff says it. */
function summaryOf(workspace: string, change: FileChange): string {
  const { before, after, backupPath } = change;
  const verb = before === undefined ? "create" : after === undefined ? "remove" : "change";
  const backup = backupPath === undefined
    ? ""
    : ` (keeping it first as ${relativeToWorkspace(workspace, backupPath)})`;
  return `Would ${verb} ${relativeToWorkspace(workspace, change.path)}${backup}: ${change.why}`;
}

/** The lines of a dry run of `changes` in `workspace`: per change, its summary and its diff. */
export function formatDryRun(workspace: string, changes: readonly FileChange[]): string[] {
  const lines = changes.flatMap((change) => [
    summaryOf(workspace, change),
    formatDiff(change.path, change.before, change.after),
    "",
  ]);
  lines.push(
    changes.length === 0
      ? "Dry run: nothing to change."
      : "Dry run: nothing was written; run it again without --dry-run to make these changes.",
  );
  return lines;
}
