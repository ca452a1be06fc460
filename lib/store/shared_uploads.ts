/**
 * The uploads the Python `agnes` tool made, as its rows in the shared
 * uploaded log (`<session_id>\t<size>\t<iso>`) record them: each counts as an
 * upload of that session at that size to the server of `config.yaml`, the
 * only server that tool knows. A push to that server does not send a
 * transcript whose size equals the last such row for its session (the file
 * name without `.jsonl`, which is how that tool names a session); a grown one
 * it sends.
 *
 * The log is read incrementally, so a push with a long history reads only
 * what was appended since the last one. Two files in the server's ledger
 * folder keep what was read: `shared-sizes.txt`, the sizes found, one row
 * `<size>\t0\t<session_id>` per upload in the ledger shard's format (the last
 * row for a session wins; compacted like a shard), and `shared-read.txt`,
 * `<device>:<inode>\t<offset>`: how far the log was read, and which file it
 * was (a rotated or replaced log is read again from its start). Rows of ours
 * (which carry a transcript path) are not imported: the ledger holds them.
 *
 * @module
 */

import { AppendFile } from "../fs/append_lines.ts";
import { readFileBounded } from "../fs/read_bounded.ts";
import { assertRegularOrMissing } from "../fs/regular_file.ts";
import { MAX_LINE_BYTES } from "../fs/read_lines.ts";
import { writeFileAtomic } from "../fs/write_file_atomic.ts";
import { joinPath } from "../fs/path.ts";
import { isRowField } from "../format/row.ts";
import { parseUploadedRow } from "./log_file.ts";
import { LedgerShard } from "./_ledger_shard.ts";
import { LEDGER_DIR, serverKey } from "./upload_ledger.ts";
import type { Workspace } from "./workspace.ts";

const decoder = new TextDecoder();

/** How the uploaded log is read in. */
const CHUNK_BYTES = 64 * 1024;

/** Where a previous read of the log stopped. */
interface ReadMark {
  /** The log file read (device and inode), empty when the system does not say. */
  identity: string;
  /** The byte offset after the last whole row read. */
  offset: number;
}

/** The session a transcript path belongs to, as the Python tool names it: its file name without `.jsonl`. */
export function sessionOfPath(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  return name.endsWith(".jsonl") ? name.slice(0, -".jsonl".length) : name;
}

/** `<device>:<inode>` of a file, empty when the system does not say (then only its size tells a new file). */
function identityOf(info: Deno.FileInfo): string {
  return info.ino === null ? "" : `${info.dev}:${info.ino}`;
}

/** The read mark in `file`, or a mark at the start when there is none. */
function readMark(file: string): ReadMark {
  const bytes = readFileBounded(file, 4096);
  const [identity = "", offset = ""] = bytes === undefined
    ? []
    : decoder.decode(bytes).trim().split("\t");
  return /^[0-9]+$/.test(offset)
    ? { identity, offset: Number(offset) }
    : { identity: "", offset: 0 };
}

/**
 * The Python tool's rows in `log` from byte `offset` on, as `[session, size]`
 * pairs, each whole row once; returns where the last whole row ends. A row
 * longer than {@linkcode MAX_LINE_BYTES} is passed over; an unfinished last
 * row is left for the next read.
 */
async function readPythonRows(
  log: Deno.FsFile,
  offset: number,
  onRow: (sessionId: string, size: number) => void,
): Promise<number> {
  await log.seek(offset, Deno.SeekMode.Start);
  const chunk = new Uint8Array(CHUNK_BYTES);
  let pending = new Uint8Array(0); // the unfinished row, from `rowStart`
  let position = offset; // where the next read starts
  let rowStart = offset; // where the unfinished row (kept or passed over) starts
  let passing = false; // inside a row too long to keep
  for (let count = await log.read(chunk); count !== null; count = await log.read(chunk)) {
    const read = chunk.subarray(0, count);
    const bytes = pending.length === 0 ? read : concat(pending, read);
    const bytesStart = position - pending.length;
    position += count;
    let start = 0;
    for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, start)) {
      if (!passing && newline - start <= MAX_LINE_BYTES) {
        const row = parseUploadedRow(decoder.decode(bytes.subarray(start, newline)));
        if (row.sessionFirst && row.path === "" && row.sessionId !== "") {
          onRow(row.sessionId, row.size!);
        }
      }
      passing = false;
      start = newline + 1;
    }
    if (start > 0) rowStart = bytesStart + start;
    passing ||= bytes.length - start > MAX_LINE_BYTES;
    pending = passing ? new Uint8Array(0) : bytes.slice(start);
  }
  return rowStart;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * The sizes at which the Python tool uploaded each session to one server.
 *
 * @example
 * ```ts
 * import { SharedUploads } from "./shared_uploads.ts";
 * import { Workspace } from "./workspace.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const workspace = new Workspace(await Deno.makeTempDir());
 * await workspace.ensureStateDir();
 * await Deno.writeTextFile(workspace.file("uploadedLog"), "s1\t42\t2026-01-01T00:00:00Z\n");
 * const shared = await SharedUploads.read(workspace, "https://agnes.example.com", { persist: true });
 * deepStrictEqual([shared.sizeOf("s1"), shared.sizeOf("s2")], [42, undefined]);
 * await Deno.remove(workspace.root, { recursive: true });
 * ```
 */
export class SharedUploads {
  /** This server's ledger folder, which keeps what was read. */
  readonly dir: string;
  #workspace: Workspace;
  #sizes: LedgerShard;
  /** Sizes read but not kept (a dry run), which win over the file's. */
  #unkept = new Map<string, number>();

  private constructor(workspace: Workspace, server: string) {
    this.#workspace = workspace;
    this.dir = joinPath(workspace.stateDir, LEDGER_DIR, serverKey(server));
    this.#sizes = new LedgerShard(joinPath(this.dir, "shared-sizes.txt"));
  }

  /**
   * Reads the Python tool's rows appended to the uploaded log since the last
   * read. With `persist` (a push, under the push lock) what was read is kept
   * for the next push; without (a dry run) nothing is written.
   *
   * @throws {RefusedFileError} when the log or a file kept is not a regular file.
   */
  static async read(
    workspace: Workspace,
    server: string,
    options: { persist: boolean },
  ): Promise<SharedUploads> {
    const shared = new SharedUploads(workspace, server);
    await shared.catchUp(options.persist);
    return shared;
  }

  /** The size of the last upload the Python tool recorded for `sessionId`, if any. */
  sizeOf(sessionId: string): number | undefined {
    const unkept = this.#unkept.get(sessionId);
    if (unkept !== undefined) return unkept;
    const version = this.#sizes.version(sessionId);
    return version === undefined ? undefined : Number(version.slice(0, version.indexOf("\t")));
  }

  /**
   * Reads the rows appended to the log since the last read (all of it when
   * it is another file, or shorter than the mark). A push calls it again
   * after its own rows are written, so the next one starts after them.
   */
  async catchUp(persist: boolean): Promise<void> {
    const markFile = joinPath(this.dir, "shared-read.txt");
    const path = this.#workspace.file("uploadedLog");
    if (!assertRegularOrMissing(path, "read the uploaded log")) return;
    const log = await Deno.open(path, { read: true });
    try {
      const info = await log.stat();
      const mark = readMark(markFile);
      const identity = identityOf(info);
      const same = mark.identity === identity && mark.offset <= info.size;
      if (same && mark.offset === info.size) return; // nothing appended since
      const found: string[] = [];
      const end = await readPythonRows(log, same ? mark.offset : 0, (sessionId, size) => {
        if (!persist) this.#unkept.set(sessionId, size);
        else if (isRowField(sessionId)) found.push(`${size}\t0\t${sessionId}`);
      });
      if (persist) await this.#keep(found, markFile, `${identity}\t${end}\n`);
    } finally {
      log.close();
    }
  }

  /** Appends the sizes found, compacts the file when overgrown, then moves the mark. */
  async #keep(rows: string[], markFile: string, mark: string): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    if (rows.length > 0) {
      const file = this.#sizes.file;
      using appender = AppendFile.open(file);
      appender.append(rows, true);
      this.#sizes = new LedgerShard(file);
      const index = this.#sizes.overgrownIndex();
      if (index !== undefined) {
        const text = [...index.versions].map(([sessionId, version]) =>
          `${version}\t${sessionId}\n`
        );
        await writeFileAtomic(file, text.join(""));
      }
    }
    await writeFileAtomic(markFile, mark);
  }
}
