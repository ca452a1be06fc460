/**
 * The Python `agnes` tool's rule for the uploaded log, written from its source
 * at keboola/agnes-the-ai-analyst commit
 * 3a73ef3bae8e5b2a7f25f61e14966f0dda982466 (`cli/lib/upload_log.py`:
 * `read_uploaded`, `mark_uploaded`; `cli/commands/push.py`: `_partition`), so
 * the tests can ask what that tool would do with the rows we write.
 *
 * - `read_uploaded`: the text split into lines (`str.splitlines`), each line
 *   split at TAB; a line with fewer than two fields, an empty (stripped)
 *   first field, or a second field that `int()` refuses is skipped; on a
 *   repeated session id the largest size wins.
 * - `_partition`: a transcript `<session_id>.jsonl` is skipped when its id is
 *   in that map with exactly its size; otherwise it is uploaded.
 * - `mark_uploaded`: appends `<session_id>\t<size>\t<iso>`.
 */

/** The line breaks `str.splitlines()` splits at. */
// deno-lint-ignore no-control-regex
const LINE_BREAKS = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Python's `int(text.strip())` for the forms it takes (ASCII digits), else `undefined`. */
function pythonInt(text: string): number | undefined {
  const stripped = text.trim();
  if (!/^[+-]?[0-9]+(?:_[0-9]+)*$/.test(stripped)) return undefined;
  return Number(stripped.replaceAll("_", ""));
}

/** `read_uploaded`: session id → size, from the uploaded log's text. */
export function pythonReadUploaded(text: string): Map<string, number> {
  const uploaded = new Map<string, number>();
  for (const line of text.split(LINE_BREAKS)) {
    const parts = line.split("\t");
    if (parts.length < 2) continue;
    const sessionId = parts[0]!.trim();
    if (sessionId === "") continue;
    const size = pythonInt(parts[1]!);
    if (size === undefined) continue;
    const previous = uploaded.get(sessionId);
    if (previous === undefined || size > previous) uploaded.set(sessionId, size);
  }
  return uploaded;
}

/** `_partition`'s decision for a transcript of `sessionId` at `size`: whether it is skipped as unchanged. */
export function pythonSkips(
  uploaded: Map<string, number>,
  sessionId: string,
  size: number,
): boolean {
  const previous = uploaded.get(sessionId);
  return previous !== undefined && previous === size;
}

/** `mark_uploaded`'s row (with its line end). */
export function pythonUploadedRow(sessionId: string, size: number, iso: string): string {
  return `${sessionId}\t${Math.trunc(size)}\t${iso}\n`;
}
