/**
 * One shard file of the upload ledger, read as cheaply as its use allows.
 *
 * A push of one transcript (what every SessionEnd runs) asks a shard about
 * one path: in a large shard, searching the text for that path's last row
 * costs a fraction of indexing thousands of rows into a map. A small shard,
 * or one asked about many paths in one run (a long queue, `--scan`), is
 * indexed once and answered from memory. Rows are `<size>\t<mtime_ms>\t<transcript_path>`; the last row for
 * a path wins.
 *
 * @module
 */

import { readFileBounded } from "../fs/read_bounded.ts";
import { readLineBatchesSync } from "../fs/read_lines.ts";
import { RefusedFileError } from "../fs/regular_file.ts";

/** A shard asked about more paths than this in one run is indexed. */
const SEARCHES_BEFORE_INDEX = 4;

/** A shard this small (about 600 rows) is indexed at once: that costs little more than a search. */
const INDEX_BELOW_BYTES = 64 * 1024;

/** A shard larger than this is indexed as a stream rather than read whole. */
const SEARCH_MAX_BYTES = 4 * 1024 * 1024;

/** A shard holding more rows than this, and twice as many as paths, is overgrown. */
const COMPACT_MIN_ROWS = 64;

const decoder = new TextDecoder();

/** A shard's paths and their versions, and how many rows held them. */
export interface ShardIndex {
  /** Path → version (`size\tmtime`), the last row winning. */
  versions: Map<string, string>;
  /** The well-formed rows read. */
  rows: number;
}

/**
 * Reads the shard at `file` whole into an index; empty when it is missing.
 *
 * @throws {RefusedFileError} when `file` is not a regular file.
 */
export function indexShard(file: string): ShardIndex {
  const versions = new Map<string, string>();
  let rows = 0;
  for (const batch of readLineBatchesSync(file)) { // a shard is small: one await less per shard
    for (const row of batch) {
      if (!row.ok) continue;
      const text = row.text; // size, mtime, path: sliced in place (a shard may hold thousands)
      const second = text.indexOf("\t", text.indexOf("\t") + 1);
      if (second === -1 || second === text.length - 1) continue;
      versions.set(text.slice(second + 1), text.slice(0, second));
      rows++;
    }
  }
  return { versions, rows };
}

/**
 * Indexes a shard's `text` (whole rows, each ending in `\n`, holding no CR,
 * NUL or replacement character), as {@linkcode indexShard} indexes its file.
 */
export function indexText(text: string): ShardIndex {
  const versions = new Map<string, string>();
  let rows = 0;
  for (let start = 0, end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
    const first = text.indexOf("\t", start);
    const second = first === -1 || first > end ? -1 : text.indexOf("\t", first + 1);
    if (second !== -1 && second < end - 1) {
      versions.set(text.slice(second + 1, end), text.slice(start, second));
      rows++;
    }
    start = end + 1;
  }
  return { versions, rows };
}

/**
 * The version the last row for `path` in `text` holds, or `undefined`: the
 * row's text before its second tab, as {@linkcode indexText} takes it (the
 * sides may be empty; a row with one tab only holds no path).
 */
export function findVersion(text: string, path: string): string | undefined {
  const needle = `\t${path}\n`;
  for (let at = text.lastIndexOf(needle); at !== -1; at = text.lastIndexOf(needle, at - 1)) {
    const version = text.slice(text.lastIndexOf("\n", at - 1) + 1, at);
    const tab = version.indexOf("\t");
    if (tab !== -1 && version.indexOf("\t", tab + 1) === -1) return version;
  }
  return undefined;
}

/**
 * One shard of the ledger: searched for the first few paths asked, indexed
 * after that. It learns of rows appended to its file through
 * {@linkcode LedgerShard.recorded}.
 */
export class LedgerShard {
  /** The shard's file. */
  readonly file: string;
  #index: ShardIndex | undefined;
  #text: string | undefined;
  #searches = 0;
  #last: { path: string; version: string | undefined } | undefined;
  #repeated = false;

  /** Names the shard at `file`; nothing is read yet. */
  constructor(file: string) {
    this.file = file;
  }

  /**
   * The version last recorded for `path`, or `undefined`.
   *
   * @throws {RefusedFileError} when the shard is not a regular file.
   */
  version(path: string): string | undefined {
    if (this.#index !== undefined) return this.#index.versions.get(path);
    if (this.#last?.path === path) return this.#last.version;
    const text = this.#text ?? readShardText(this.file);
    if (
      text === undefined || text.length < INDEX_BELOW_BYTES ||
      ++this.#searches > SEARCHES_BEFORE_INDEX
    ) {
      this.#index = text === undefined ? indexShard(this.file) : indexText(text);
      this.#text = undefined;
      return this.#index.versions.get(path);
    }
    this.#text = text; // kept for the next few searches
    this.#last = { path, version: findVersion(text, path) };
    return this.#last.version;
  }

  /**
   * Notes that a row for `path` holding `version` was appended to the file;
   * `held` says whether the shard held `path` before (then it may have grown
   * past what it needs).
   */
  recorded(path: string, version: string, held: boolean): void {
    if (held) this.#repeated = true;
    if (this.#index !== undefined) {
      this.#index.versions.set(path, version);
      this.#index.rows++;
    } else {
      this.#text = undefined; // the file has a row more: read it again when asked
      this.#last = { path, version };
    }
  }

  /**
   * Whether the shard may hold more rows than it needs: it was indexed and
   * found so, or a path it already held was recorded again.
   */
  get mayBeOvergrown(): boolean {
    return this.#repeated || (this.#index !== undefined && overgrown(this.#index));
  }

  /**
   * The shard's index read from its file now, when it is overgrown (rows the
   * compaction drops), else `undefined`; afterwards the shard answers from
   * that index.
   */
  overgrownIndex(): ShardIndex | undefined {
    this.#index = indexShard(this.file);
    this.#text = undefined;
    this.#repeated = false;
    return overgrown(this.#index) ? this.#index : undefined;
  }
}

/**
 * The shard file's text, ending in `\n` (a torn last row completed); empty
 * when it is missing. `undefined` when it is too large to read whole, not a
 * regular file, or holds a CR, NUL or bytes that are not UTF-8: the line
 * reader indexes those as a stream, copes with such rows, or says why.
 */
function readShardText(file: string): string | undefined {
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFileBounded(file, SEARCH_MAX_BYTES);
  } catch (error) {
    if (error instanceof RefusedFileError) return undefined;
    throw error;
  }
  if (bytes === undefined) return "";
  const text = decoder.decode(bytes);
  if (/[\r\0\uFFFD]/.test(text)) return undefined;
  return text === "" || text.endsWith("\n") ? text : text + "\n";
}

/** Whether `index` holds more rows than {@linkcode COMPACT_MIN_ROWS} and twice its paths. */
function overgrown(index: ShardIndex): boolean {
  return index.rows > COMPACT_MIN_ROWS && index.rows > 2 * index.versions.size;
}
