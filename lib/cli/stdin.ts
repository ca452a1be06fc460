/**
 * Bounded reading of a hook's standard input: a hook must never hang on a
 * stdin that does not close, nor hold an unbounded payload.
 *
 * @module
 */

/** What {@linkcode readStdinBounded} got. */
export type StdinResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly error: string };

/** Options for {@linkcode readStdinBounded}. */
export interface ReadStdinOptions {
  /** Largest accepted payload in bytes. Default 1 MiB. */
  maxBytes?: number;
  /** Stop waiting after this many ms. Default 2 000. */
  timeoutMs?: number;
  /** Where to read from. Default `Deno.stdin`. */
  stdin?: { read(buffer: Uint8Array): Promise<number | null> };
}

/**
 * Reads all of stdin, up to `maxBytes`, giving up after `timeoutMs`. A read
 * still pending after a time-out is abandoned: the CLI exits right after.
 * The time-out does not keep the process alive by itself; a pending read of
 * `Deno.stdin` does, so with the default `stdin` it always fires.
 */
export async function readStdinBounded(options: ReadStdinOptions = {}): Promise<StdinResult> {
  const { maxBytes = 1024 * 1024, timeoutMs = 2_000, stdin = Deno.stdin } = options;
  const chunks: Uint8Array[] = [];
  let total = 0;
  // The time-out is an Atomics.waitAsync on a private cell, not a timer: the
  // first setTimeout of a process costs about a third of a Deno start-up and
  // the first event listener a tenth, and this is the hook path. It does not
  // keep the process alive, and notifying the cell settles it at once.
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const timeout = Promise.resolve(Atomics.waitAsync(cell, 0, 0, timeoutMs).value)
    .then(() => "timeout" as const);
  try {
    for (;;) {
      const buffer = new Uint8Array(64 * 1024);
      const count = await Promise.race([stdin.read(buffer), timeout]);
      if (count === "timeout") return { ok: false, error: `no end of input after ${timeoutMs} ms` };
      if (count === null) break;
      total += count;
      if (total > maxBytes) return { ok: false, error: `input larger than ${maxBytes} bytes` };
      chunks.push(buffer.subarray(0, count));
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    Atomics.notify(cell, 0);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { ok: true, text: decodeUtf8(bytes) };
}

/**
 * `bytes` decoded as UTF-8, as `TextDecoder` does (a leading BOM dropped,
 * invalid bytes as U+FFFD). ASCII, what hook payloads usually are, is read
 * by char codes instead: a process's first `TextDecoder` costs ~0.2 ms.
 */
function decodeUtf8(bytes: Uint8Array): string {
  for (let at = 0; at < bytes.length; at++) {
    if (bytes[at]! > 0x7f) return new TextDecoder().decode(bytes);
  }
  let text = "";
  for (let at = 0; at < bytes.length; at += 8192) {
    text += String.fromCharCode(...bytes.subarray(at, at + 8192));
  }
  return text;
}
