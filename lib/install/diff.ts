/**
 * What `install --dry-run` prints: per file, one line that says what would
 * happen to it and why, then a readable line diff (unified-diff style hunks
 * with two lines of context).
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
  if (text === undefined || text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The edit script from `a` to `b` by longest common subsequence. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((text) => ({ kind: "-" as const, text })),
      ...b.map((text) => ({ kind: "+" as const, text })),
    ];
  }
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j]
        ? table[(i + 1) * width + j + 1]! + 1
        : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: " ", text: a[i++]! });
      j++;
    } else if (
      j < b.length && (i === a.length || table[i * width + j + 1]! > table[(i + 1) * width + j]!)
    ) {
      ops.push({ kind: "+", text: b[j++]! });
    } else {
      ops.push({ kind: "-", text: a[i++]! });
    }
  }
  return ops;
}

/** Whether a line within the context of `ops[index]` changes. */
function changedNear(ops: readonly Op[], index: number): boolean {
  return ops.slice(Math.max(0, index - CONTEXT), index + CONTEXT + 1).some((op) => op.kind !== " ");
}

/** Groups the script into hunks: changed lines with their context, each under its `@@` line. */
function hunks(ops: readonly Op[]): string[] {
  const out: string[] = [];
  let aLine = 1, bLine = 1;
  for (let index = 0; index < ops.length;) {
    if (!changedNear(ops, index)) {
      [aLine, bLine, index] = [aLine + 1, bLine + 1, index + 1]; // a kept line outside any hunk
      continue;
    }
    const start = index;
    while (index < ops.length && changedNear(ops, index)) index++;
    const hunk = ops.slice(start, index);
    const aCount = hunk.filter((op) => op.kind !== "+").length;
    const bCount = hunk.filter((op) => op.kind !== "-").length;
    // As in unified diffs, an empty side names the line before it.
    const head = `@@ -${aCount ? aLine : aLine - 1},${aCount} +${
      bCount ? bLine : bLine - 1
    },${bCount} @@`;
    out.push(head, ...hunk.map((op) => `${op.kind}${op.text}`));
    [aLine, bLine] = [aLine + aCount, bLine + bCount];
  }
  return out;
}

/**
 * The diff of the file at `path` from `before` to `after` (`undefined`: the
 * file does not exist), headed by its path.
 */
export function formatDiff(
  path: string,
  before: string | undefined,
  after: string | undefined,
): string {
  const header = [
    `--- ${before === undefined ? "(no file)" : path}`,
    `+++ ${after === undefined ? "(removed)" : path}`,
  ];
  return [...header, ...hunks(editScript(linesOf(before), linesOf(after)))].join("\n");
}

/** What would happen to a file, as the dry run's line above its diff says it. */
function summaryOf(workspace: string, change: FileChange): string {
  const verb = change.before === undefined
    ? "Would create"
    : change.after === undefined
    ? "Would remove"
    : "Would change";
  const backup = change.backupPath === undefined
    ? ""
    : ` (keeping it first as ${relativeToWorkspace(workspace, change.backupPath)})`;
  return `${verb} ${relativeToWorkspace(workspace, change.path)}${backup}: ${change.why}`;
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
