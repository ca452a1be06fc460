/**
 * The uploaded log `W/.claude/agnes-sessions-uploaded.txt`:
 * `<iso>\t<transcript_path>`, then our own columns `<size>\t<mtime_ms>` (old
 * readers look at the first two only). Those columns are the upload ledger:
 * a file already sent unchanged is not sent again.
 *
 * @module
 */

import { assertRowField, formatRow } from "../format/_row.ts";
import { formatTimestamp } from "../format/_timestamp.ts";
import { readLines } from "../fs/_read_lines.ts";
import type { Workspace } from "./workspace.ts";

/** A row of the uploaded log. */
export interface UploadedRow {
  /** The transcript uploaded. */
  path: string;
  /** Extra trailing columns (old readers look at the first two only). */
  extra?: readonly string[];
}

/**
 * Formats uploaded-log rows stamped `now`.
 *
 * @throws {TypeError} when a field contains TAB, CR, LF or NUL.
 *
 * @example
 * ```ts
 * import { uploadedLogRows } from "./_uploaded_log.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const now = new Date(Date.UTC(2026, 0, 1));
 * deepStrictEqual(uploadedLogRows([{ path: "/t/a.jsonl" }], now), ["2026-01-01T00:00:00Z\t/t/a.jsonl"]);
 * ```
 */
export function uploadedLogRows(rows: readonly UploadedRow[], now: Date = new Date()): string[] {
  const stamp = formatTimestamp(now);
  return rows.map(({ path, extra = [] }) => {
    for (const value of extra) assertRowField("uploaded log column", value);
    return [formatRow({ stamp, path }), ...extra].join("\t");
  });
}

/** The size and modification time of one uploaded version of a file, as `size:mtime`. */
export type FileVersion = string;

/**
 * Every version of every file recorded with our extra columns, by path.
 *
 * @example
 * ```ts
 * import { readUploadedVersions } from "./_uploaded_log.ts";
 * import { Workspace } from "./workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await workspace.ensureStateDir();
 * await Deno.writeTextFile(workspace.file("uploadedLog"), "2026-01-01T00:00:00Z\t/t/a.jsonl\t10\t99\n");
 * deepStrictEqual(await readUploadedVersions(workspace), new Map([["/t/a.jsonl", new Set(["10:99"])]]));
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export async function readUploadedVersions(
  workspace: Workspace,
): Promise<Map<string, Set<FileVersion>>> {
  const versions = new Map<string, Set<FileVersion>>();
  for await (const row of readLines(workspace.file("uploadedLog"))) {
    if (!row.ok) continue;
    const [, path, size, mtime] = row.text.split("\t");
    if (path === undefined || size === undefined || mtime === undefined) continue;
    const seen = versions.get(path) ?? new Set();
    seen.add(`${size}:${mtime}`);
    versions.set(path, seen);
  }
  return versions;
}
