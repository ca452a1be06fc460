/**
 * Deduplicating a queue of any length in little memory: each entry's key
 * (session id and path) is kept as a 96-bit fingerprint in typed arrays,
 * not as strings, with the earliest first-failure stamp seen for it. Two
 * passes over the rows make the result exact in order and stamps: the first
 * pass adds every entry, the second hands each key out once, at its first
 * occurrence, with the earliest stamp.
 *
 * A 96-bit fingerprint (three 32-bit hashes) makes two different keys
 * colliding a matter of astronomically bad luck: at a million distinct
 * entries, the chance is about 10^-17.
 *
 * @module
 */

import { formatTimestamp, parseTimestamp } from "../format/timestamp.ts";
import { countRows } from "../fs/read_lines.ts";
import type { QueueEntry } from "./queue_entry.ts";

/**
 * Three 32-bit hashes of an entry's key, its session id, a TAB and its path
 * (murmur-style mixing of UTF-16 code units, three seeds, one pass), written
 * into `into`.
 */
function fingerprint(entry: QueueEntry, into: Uint32Array): void {
  const { sessionId, path } = entry;
  const length = sessionId.length + 1 + path.length;
  let [a, b, c] = [0x811c9dc5, 0x9747b28c, 0x27d4eb2f];
  for (let i = 0; i < length; i++) {
    const unit = i < sessionId.length
      ? sessionId.charCodeAt(i)
      : i === sessionId.length
      ? 0x09
      : path.charCodeAt(i - sessionId.length - 1);
    a = Math.imul(a ^ unit, 0x5bd1e995);
    a ^= a >>> 15;
    b = Math.imul(b ^ unit, 0xcc9e2d51);
    b ^= b >>> 13;
    c = Math.imul(c ^ unit, 0x1b873593);
    c ^= c >>> 16;
  }
  into[0] = finish(a);
  into[1] = finish(b);
  into[2] = finish(c);
}

/** The final avalanche of a lane. */
function finish(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** No stamp: the entry never failed (or its stamp did not parse). */
const NO_STAMP = 0x7fffffff;

/** A slot's stamp word also says what the slot is: these two values mark it empty or taken. */
const EMPTY = -0x80000000;
const TAKEN = -0x7fffffff;

/** The table grows by half once three quarters of its slots are used. */
const MAX_LOAD = 0.75;

/** The slots of the table: three fingerprint words and a stamp word (or state) per slot. */
interface Slots {
  capacity: number;
  keys: Uint32Array;
  stamps: Int32Array;
}

function allocate(capacity: number): Slots {
  const stamps = new Int32Array(capacity).fill(EMPTY);
  return { capacity, keys: new Uint32Array(capacity * 3), stamps };
}

/** The slot holding fingerprint (a, b, c), or the empty slot where it goes (linear probing). */
function slotOf(slots: Slots, a: number, b: number, c: number): number {
  const { capacity, keys, stamps } = slots;
  for (let slot = a % capacity;; slot = slot + 1 === capacity ? 0 : slot + 1) {
    if (stamps[slot] === EMPTY) return slot;
    const at = slot * 3;
    if (keys[at] === a && keys[at + 1] === b && keys[at + 2] === c) return slot;
  }
}

/**
 * The set of entries a push has collected, deduplicated by (session id,
 * path) with the earliest stamp kept, in memory that grows by 21 to 32 bytes
 * per distinct entry (16 bytes a slot, half to three quarters of the slots
 * used).
 */
export class EntryIndex {
  #slots: Slots;
  #size = 0;
  #fingerprint = new Uint32Array(3);

  /**
   * @param expected At most how many entries will be added (the rows to be
   * read): the table is allocated once for that many, as growing a large
   * table leaves the old one's memory behind in the process. It still grows
   * past it.
   */
  constructor(expected = 0) {
    this.#slots = allocate(Math.max(1024, Math.ceil(expected / MAX_LOAD) + 1));
  }

  /** Distinct entries added. */
  get size(): number {
    return this.#size;
  }

  /** Moves every slot into a table half as large again. */
  #grow(): void {
    const old = this.#slots;
    const slots = allocate(Math.ceil(old.capacity * 1.5));
    for (let from = 0; from < old.capacity; from++) {
      if (old.stamps[from] === EMPTY) continue;
      const at = from * 3;
      const [a, b, c] = [old.keys[at]!, old.keys[at + 1]!, old.keys[at + 2]!];
      const to = slotOf(slots, a, b, c);
      slots.keys[to * 3] = a;
      slots.keys[to * 3 + 1] = b;
      slots.keys[to * 3 + 2] = c;
      slots.stamps[to] = old.stamps[from]!;
    }
    this.#slots = slots;
  }

  /** The slot of `entry`'s key (filled or where it goes). */
  #slotFor(entry: QueueEntry): number {
    const fp = this.#fingerprint;
    fingerprint(entry, fp);
    return slotOf(this.#slots, fp[0]!, fp[1]!, fp[2]!);
  }

  /** First pass: adds an entry, keeping the earliest stamp of its key. */
  add(entry: QueueEntry): void {
    if (this.#size + 1 > this.#slots.capacity * MAX_LOAD) this.#grow();
    const slot = this.#slotFor(entry);
    const slots = this.#slots;
    const stamp = stampSeconds(entry.stamp);
    if (slots.stamps[slot] === EMPTY) {
      slots.keys.set(this.#fingerprint, slot * 3);
      slots.stamps[slot] = stamp;
      this.#size++;
    } else if (stamp < slots.stamps[slot]!) {
      slots.stamps[slot] = stamp;
    }
  }

  /**
   * Second pass: `entry`, its stamp set to its key's earliest, the first time
   * its key is taken; `undefined` after that (a duplicate) or when it was
   * never added.
   */
  take(entry: QueueEntry): QueueEntry | undefined {
    const slot = this.#slotFor(entry);
    const slots = this.#slots;
    const stamp = slots.stamps[slot]!;
    if (stamp === EMPTY || stamp === TAKEN) return undefined;
    slots.stamps[slot] = TAKEN;
    entry.stamp = stamp === NO_STAMP ? "" : stampText(entry, stamp);
    return entry;
  }
}

/**
 * A stamp as whole seconds since 1970, clamped to 0 … NO_STAMP - 1 (so never
 * EMPTY or TAKEN); no stamp is NO_STAMP.
 */
function stampSeconds(stamp: string): number {
  const date = stamp === "" ? undefined : parseTimestamp(stamp);
  if (date === undefined) return NO_STAMP;
  return Math.max(0, Math.min(Math.floor(date.getTime() / 1000), NO_STAMP - 1));
}

/** The entry's own stamp text when it is the earliest, else the earliest formatted. */
function stampText(entry: QueueEntry, seconds: number): string {
  return stampSeconds(entry.stamp) === seconds
    ? entry.stamp
    : formatTimestamp(new Date(seconds * 1000));
}

/**
 * How many distinct entries `files` likely hold, to size an
 * {@linkcode EntryIndex}: half their rows, as the hooks queue each session
 * twice (at its start and its end). A queue with more grows the table once.
 */
export function expectedEntries(files: readonly string[]): number {
  return Math.ceil(files.reduce((rows, file) => rows + countRows(file), 0) / 2);
}
