/**
 * The fault seam: file operations the I/O fault tests make fail on purpose,
 * so a full disk or a failing fsync is pinned by a test on the very write
 * that matters instead of hit by luck. A test sets
 * `AGNES_SESSIONS_TEST_FS_FAULT` to one or more specs separated by `,`:
 *
 * `<op>:<path substring>[:<n>][:<errno>]`
 *
 * - `op`: `append` (before an append writes), `write-half` (an append writes
 *   the first half of its bytes, then fails), `truncate` (an append's undo
 *   after a failed write), `write` (a temp file's content in an atomic
 *   replace; the temp file's name holds the target's), `sync` (a data
 *   sync), `rename` (a temp file, or the queue, renamed into place; the path
 *   is the new name); any other op never matches;
 * - `path substring`: the operation's file path must contain it (a name
 *   such as `agnes-sessions.txt`, or a folder such as `ledger`);
 * - `n`: the n-th matching operation fails, the ones before and after do not
 *   (default 1);
 * - `errno`: `ENOSPC`, `EIO`, `EXDEV`, `EROFS`, `EDQUOT`, `EFBIG`, `EACCES`,
 *   `EPERM`, `ENOENT` or `EBUSY` (default `EIO`), thrown as Deno throws it:
 *   a `Deno.errors` class where one exists, else an `Error`, with the
 *   errno's `code` and message ("No space left on device (os error 28)");
 *   another name gives an `Error` saying it was injected.
 *
 * For example `append:agnes-sessions.txt:2:ENOSPC` fails the second append to
 * the queue; `sync:agnes-sessions-failed.txt:1:EIO,rename:snapshot:EXDEV` the
 * failed log's first sync and the first snapshot rename.
 *
 * The variable is read once, on the first file operation, and only when env
 * access to it is already granted (never prompting). Unset, a fault point
 * costs one comparison.
 *
 * @module
 */

/** The file operations that can be made to fail. */
export type FaultOp = "append" | "write-half" | "truncate" | "write" | "sync" | "rename";

/** One planned fault, and how many matching operations it has seen. */
interface Fault {
  op: string;
  substring: string;
  nth: number;
  errno: string;
  seen: number;
}

const VARIABLE = "AGNES_SESSIONS_TEST_FS_FAULT";

/** Message and number of each errno, and the `Deno.errors` class Deno throws for it. */
const ERRNOS: Record<string, [string, number, keyof typeof Deno.errors | undefined]> = {
  ENOSPC: ["No space left on device", 28, undefined],
  EIO: ["Input/output error", 5, undefined],
  EXDEV: ["Invalid cross-device link", 18, undefined],
  EROFS: ["Read-only file system", 30, undefined],
  EDQUOT: ["Disk quota exceeded", 122, undefined],
  EFBIG: ["File too large", 27, undefined],
  EACCES: ["Permission denied", 13, "PermissionDenied"],
  EPERM: ["Operation not permitted", 1, "PermissionDenied"],
  ENOENT: ["No such file or directory", 2, "NotFound"],
  EBUSY: ["Device or resource busy", 16, "Busy"],
};

let faults: Fault[] | null | undefined;

/** The planned faults, or `null` when there are none (or no env permission to know). */
function parseFaults(): Fault[] | null {
  let text: string | undefined;
  try {
    const access = Deno.permissions.querySync({ name: "env", variable: VARIABLE });
    text = access.state === "granted" ? Deno.env.get(VARIABLE) : undefined;
  } catch {
    return null; // no permission API or no access: no faults
  }
  if (!text) return null;
  return text.split(",").filter((spec) => spec !== "").map(parseSpec);
}

/** `<op>:<substring>[:<n>][:<errno>]` as a fault. */
function parseSpec(spec: string): Fault {
  const [op = "", substring = "", ...rest] = spec.split(":");
  const nth = rest.find((part) => /^\d+$/.test(part));
  const errno = rest.find((part) => !/^\d+$/.test(part));
  return { op, substring, nth: Number(nth ?? 1) || 1, errno: errno ?? "EIO", seen: 0 };
}

/** The error Deno would throw for `errno`. */
function errnoError(errno: string): Error {
  const [message, number, kind] = ERRNOS[errno] ?? [`Injected fault ${errno}`, 0, undefined];
  const text = `${message} (os error ${number})`;
  const error = kind === undefined ? new Error(text) : new Deno.errors[kind](text);
  return Object.assign(error, { code: errno });
}

/**
 * The error planned for this `op` on `path`, counting it as a matching
 * operation; `undefined` when none is (always, unless the fault tests set
 * `AGNES_SESSIONS_TEST_FS_FAULT`: see the module doc).
 *
 * @param op The operation about to run.
 * @param path The file it runs on.
 * @returns The error to fail the operation with, or `undefined`.
 */
export function plannedFault(op: FaultOp, path: string): Error | undefined {
  faults ??= parseFaults();
  return faults === null ? undefined : countMatch(faults, op, path);
}

/** Counts `op` on `path` against each planned fault: the error of the one whose turn it is. */
function countMatch(planned: Fault[], op: FaultOp, path: string): Error | undefined {
  let due: Error | undefined;
  for (const fault of planned) {
    if (fault.op !== op || !path.includes(fault.substring)) continue;
    if (++fault.seen === fault.nth) due ??= errnoError(fault.errno);
  }
  return due;
}

/**
 * Throws the error planned for this `op` on `path`, if any (see
 * {@linkcode plannedFault}); otherwise does nothing.
 *
 * @param op The operation about to run.
 * @param path The file it runs on.
 * @throws {Error} the planned fault, when the fault tests asked for one here.
 */
export function injectFault(op: FaultOp, path: string): void {
  faults ??= parseFaults();
  if (faults === null) return;
  const error = countMatch(faults, op, path);
  if (error !== undefined) throw error;
}
