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
 * what was appended since the last one. What was read is kept in a ledger
 * folder of its own (`upload_ledger.ts`, for the server's URL plus
 * `#python`): the sizes found, as ledger rows `<size>\t0\t<session_id>` (a
 * lookup reads one shard of 256; the last row for a session wins, where the
 * Python tool takes the largest size: they differ only for a transcript that
 * shrank, which is then sent once more), and
 * `shared-read.txt`, `<device>:<inode>\t<offset>`: how far the log was read,
 * and which file it was (a replaced log is read again from its start). Rows
 * of ours (which carry a transcript path) are not imported: the server's own
 * ledger holds them.
 *
 * @module
 */

import { readFileBounded } from "../fs/read_bounded.ts";
import { assertRegularOrMissing } from "../fs/regular_file.ts";
import { MAX_LINE_BYTES } from "../fs/read_lines.ts";
import { writeFileAtomic } from "../fs/write_file_atomic.ts";
import { joinPath } from "../fs/path.ts";
import { isRowField } from "../format/row.ts";
import { parseUploadedRow } from "./log_file.ts";
import { UploadLedger } from "./upload_ledger.ts";
import type { Workspace } from "./workspace.ts";

const decoder = new TextDecoder();

/** How the uploaded log is read in. */
const CHUNK_BYTES = 64 * 1024;

/** The sizes found are recorded in groups of this many (each group appends once to each shard). */
const RECORD_GROUP = 50_000;

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
 * pairs in batches (a chunk's worth each), each whole row once; `read.end`
 * is then where the last whole row ends. A row longer than
 * {@linkcode MAX_LINE_BYTES} is passed over; an unfinished last row is left
 * for the next read.
 */
async function* pythonRows(
  log: Deno.FsFile,
  offset: number,
  read: { end: number },
): AsyncGenerator<[string, number][]> {
  await log.seek(offset, Deno.SeekMode.Start);
  const chunk = new Uint8Array(CHUNK_BYTES);
  let pending = new Uint8Array(0); // the unfinished row, from `read.end`
  let position = offset; // where the next read starts
  let passing = false; // inside a row too long to keep
  read.end = offset;
  for (let count = await log.read(chunk); count !== null; count = await log.read(chunk)) {
    const fresh = chunk.subarray(0, count);
    const bytes = pending.length === 0 ? fresh : concat(pending, fresh);
    const bytesStart = position - pending.length;
    position += count;
    const batch: [string, number][] = [];
    let start = 0;
    for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, start)) {
      if (
        !passing && newline - start <= MAX_LINE_BYTES && mayBeSessionFirst(bytes, start, newline)
      ) {
        const row = parseUploadedRow(decoder.decode(bytes.subarray(start, newline)));
        if (row.sessionFirst && row.path === "" && row.sessionId !== "") {
          batch.push([row.sessionId, row.size!]);
        }
      }
      passing = false;
      start = newline + 1;
    }
    if (start > 0) read.end = bytesStart + start;
    passing ||= bytes.length - start > MAX_LINE_BYTES;
    pending = passing ? new Uint8Array(0) : bytes.slice(start);
    if (batch.length > 0) yield batch;
  }
}

/**
 * Whether the row in `bytes` from `start` to `end` may be session first: its
 * second field starts with a digit or a space. Rows that fail (time first,
 * whose second field is a path) are passed over without being decoded.
 */
function mayBeSessionFirst(bytes: Uint8Array, start: number, end: number): boolean {
  const tab = bytes.indexOf(9, start);
  if (tab === -1 || tab + 1 >= end) return false;
  const next = bytes[tab + 1]!;
  return (next >= 48 && next <= 57) || next === 32;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * The sizes at which the Python tool uploaded each session to one server.
 */
export class SharedUploads {
  #workspace: Workspace;
  /** The sizes found, kept as a ledger of their own: session id for path, modification time 0. */
  #sizes: UploadLedger;
  /** Sizes read but not kept (a dry run), which win over the kept ones. */
  #unkept = new Map<string, number>();

  private constructor(workspace: Workspace, server: string) {
    this.#workspace = workspace;
    this.#sizes = new UploadLedger(workspace, `${server}#python`);
  }

  /** The folder that keeps what was read (a ledger folder of its own, next to the server's). */
  get dir(): string {
    return this.#sizes.dir;
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

  /** Whether the last upload the Python tool recorded for `sessionId` was at `size`. */
  has(sessionId: string, size: number): boolean {
    const unkept = this.#unkept.get(sessionId);
    if (unkept !== undefined) return unkept === size;
    return this.#sizes.has(sessionId, size, 0);
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
    using log = await Deno.open(path, { read: true });
    const info = await log.stat();
    const mark = readMark(markFile);
    const identity = identityOf(info);
    const same = mark.identity === identity && mark.offset <= info.size;
    if (same && mark.offset === info.size) return; // nothing appended since
    const read = { end: 0 };
    let found: [string, number, number][] = [];
    for await (const batch of pythonRows(log, same ? mark.offset : 0, read)) {
      for (const [sessionId, size] of batch) {
        if (!persist) this.#unkept.set(sessionId, size);
        else if (isRowField(sessionId)) found.push([sessionId, size, 0]);
      }
      if (found.length < RECORD_GROUP) continue;
      await this.#sizes.recordAll(found); // a group at a time: few opens of each shard, bounded memory
      found = [];
    }
    if (!persist) return;
    await this.#sizes.recordAll(found);
    this.#sizes.close();
    await this.#sizes.compact();
    await Deno.mkdir(this.dir, { recursive: true });
    await writeFileAtomic(markFile, `${identity}\t${read.end}\n`);
  }
}
