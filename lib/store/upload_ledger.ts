/**
 * The upload ledger, files of ours in `W/.claude/agnes-sessions-ledger/`:
 * for each server, the version (size and modification time) of each
 * transcript last sent to it, and the digest of the last `CLAUDE.local.md`
 * sent. A file already sent unchanged is not sent to the same server again,
 * while switching servers (`--server`, `login`) sends everything to the new
 * one.
 *
 * Each server has a folder named after it; in it, a transcript's row lives in
 * one of 256 shard files picked by a hash of its path, so a lookup reads one
 * small file however large the ledger grows. Rows are
 * `<size>\t<mtime_ms>\t<transcript_path>`; the last row for a path wins. A
 * lookup searches its shard's text, or, once a run asks a shard about many
 * paths, an index of it (`_ledger_shard.ts`). A shard holding more than 64
 * rows and twice as many rows as paths is compacted at the end of a push that
 * indexed it or recorded a path it already held.
 *
 * @module
 */

import { AppendFile } from "../fs/append_lines.ts";
import { readLines } from "../fs/read_lines.ts";
import { writeFileAtomic } from "../fs/write_file_atomic.ts";
import { formatRow } from "../format/row.ts";
import { formatTimestamp } from "../format/timestamp.ts";
import { joinPath } from "../fs/path.ts";
import type { Workspace } from "./workspace.ts";
import { LedgerShard } from "./_ledger_shard.ts";

/** The ledger's folder in `W/.claude/`. */
export const LEDGER_DIR = "agnes-sessions-ledger";

/** At most this many shards are kept open for appending at once. */
const OPEN_SHARDS = 64;

/** 32-bit FNV-1a of `text`. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** `value` as `digits` hex digits. */
const hex = (value: number, digits: number) => value.toString(16).padStart(digits, "0");

/**
 * The folder name for a server: its origin made safe for a file name, plus a
 * hash of the whole URL (so `https://h/a` and `https://h/b` stay apart).
 */
export function serverKey(server: string): string {
  const origin = server.replace(/^(\w+):\/\//, "$1_").replace(/\/.*$/, "");
  return `${origin.replace(/[^A-Za-z0-9.-]/g, "_").slice(0, 80)}-${hex(fnv1a(server), 8)}`;
}

/** `size<TAB>mtime`, the version of a file that was sent, as its row holds it. */
function versionOf(size: number, mtimeMs: number): string {
  return `${size}\t${mtimeMs}`;
}

/**
 * What one workspace has sent to one server.
 */
export class UploadLedger implements Disposable {
  /** This server's folder. */
  readonly dir: string;
  /** The shards this run asked, by the first byte of their paths' hashes (the file's name). */
  #shards: (LedgerShard | undefined)[] = [];
  /** Shards open for appending, the most recently opened last (at most {@linkcode OPEN_SHARDS}). */
  #open = new Map<string, AppendFile>();
  #dirMade = false;

  /**
   * Names the ledger of `workspace` for `server`; nothing is read yet.
   *
   * @param workspace The workspace.
   * @param server The server URL, as configured.
   */
  constructor(workspace: Workspace, readonly server: string) {
    this.dir = joinPath(workspace.stateDir, LEDGER_DIR, serverKey(server));
  }

  /**
   * The shard file that holds `path`'s row (by a hash of the path).
   */
  shardPath(path: string): string {
    return this.#shard(path).file;
  }

  /** The shard that holds `path`'s row, as this run has read it so far. */
  #shard(path: string): LedgerShard {
    const byte = fnv1a(path) >>> 24; // the first two of the hash's eight hex digits
    return this.#shards[byte] ??= new LedgerShard(joinPath(this.dir, `${hex(byte, 2)}.txt`));
  }

  async #compact(file: string, versions: Map<string, string>): Promise<void> {
    const text = [...versions].map(([path, version]) => `${version}\t${path}\n`).join("");
    await writeFileAtomic(file, text);
  }

  /**
   * Whether this version of `path` is the one last sent to this server (its
   * shard of the ledger is read synchronously).
   */
  has(path: string, size: number, mtimeMs: number): boolean {
    return this.#shard(path).version(path) === versionOf(size, mtimeMs);
  }

  /**
   * Records that this version of `path` was sent, appending at once without
   * a sync (see {@linkcode UploadLedger.compact}).
   *
   * @throws {TypeError} when the path contains TAB, CR, LF or NUL.
   */
  async record(path: string, size: number, mtimeMs: number): Promise<void> {
    const shard = this.#shard(path);
    const file = shard.file;
    const held = shard.version(path) !== undefined;
    const row = formatRow({ size: String(size), mtime: String(mtimeMs), path });
    if (!this.#dirMade) await Deno.mkdir(this.dir, { recursive: true });
    this.#dirMade = true;
    this.#appender(file).append([row]);
    shard.recorded(path, versionOf(size, mtimeMs), held);
  }

  /**
   * Records many sent versions at once, as {@linkcode UploadLedger.record}
   * does one by one, with one append per shard: what importing a long
   * history needs.
   *
   * @throws {TypeError} when a path contains TAB, CR, LF or NUL.
   */
  async recordAll(
    versions: Iterable<readonly [path: string, size: number, mtimeMs: number]>,
  ): Promise<void> {
    const rows = new Map<string, string[]>();
    for (const [path, size, mtimeMs] of versions) {
      const shard = this.#shard(path);
      const held = shard.version(path) !== undefined;
      const row = formatRow({ size: String(size), mtime: String(mtimeMs), path });
      const pending = rows.get(shard.file);
      if (pending === undefined) rows.set(shard.file, [row]);
      else pending.push(row);
      shard.recorded(path, versionOf(size, mtimeMs), held);
    }
    if (rows.size === 0) return;
    if (!this.#dirMade) await Deno.mkdir(this.dir, { recursive: true });
    this.#dirMade = true;
    for (const [file, lines] of rows) this.#appender(file).append(lines);
  }

  /** The shard `file` open for appending (opened now, closing the oldest open one past the cap). */
  #appender(file: string): AppendFile {
    let appender = this.#open.get(file);
    if (appender === undefined) {
      if (this.#open.size >= OPEN_SHARDS) {
        const [oldest, handle] = this.#open.entries().next().value!;
        handle.close();
        this.#open.delete(oldest);
      }
      appender = AppendFile.open(file);
      this.#open.set(file, appender);
    }
    return appender;
  }

  /**
   * Closes the shards kept open for appending (a push's uploads append to a
   * few of them over and over).
   */
  close(): void {
    for (const appender of this.#open.values()) appender.close();
    this.#open.clear();
  }

  /** Same as {@linkcode UploadLedger.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Rewrites each shard that grew past twice as many rows as paths (more
   * than 64) atomically, with its latest versions, this run's included. Only
   * shards this run indexed or recorded a repeat in are checked. The shards'
   * appends are not synced to disk: a push killed leaves them in the page
   * cache, and a power loss that drops the last rows only means those files
   * are sent once more (the server replaces a file of the same name), which
   * is cheaper than a disk flush for each of up to 256 shards at every push.
   */
  async compact(): Promise<void> {
    for (const shard of this.#shards) {
      if (shard === undefined || !shard.mayBeOvergrown) continue;
      const file = shard.file;
      this.#open.get(file)?.close(); // an append after this goes to the new file
      this.#open.delete(file);
      const index = shard.overgrownIndex();
      if (index !== undefined) await this.#compact(file, index.versions);
    }
  }

  /**
   * The digest of the `CLAUDE.local.md` last sent to this server; empty when
   * none was.
   */
  async localMdDigest(): Promise<string> {
    let last = "";
    for await (const row of readLines(joinPath(this.dir, "local-md.txt"))) {
      if (row.ok) last = row.text.split("\t")[1] ?? "";
    }
    return last;
  }

  /** Records `digest` as the `CLAUDE.local.md` last sent to this server (atomic, synced). */
  async recordLocalMd(digest: string): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    const row = `${formatTimestamp(new Date())}\t${digest}\n`;
    await writeFileAtomic(joinPath(this.dir, "local-md.txt"), row);
  }
}
