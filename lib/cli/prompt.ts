/**
 * Asking a person for a secret on the terminal without showing it.
 *
 * @module
 */

/** How long a prompt waits for a person before giving up: 5 minutes. */
const PROMPT_TIMEOUT_MS = 5 * 60 * 1000;
const MAX_SECRET_BYTES = 64 * 1024;

/** Applies one keystroke chunk to `typed`; `true` once Enter was pressed. */
function applyKeys(typed: number[], keys: Uint8Array): boolean {
  for (const key of keys) {
    if (key === 0x0d || key === 0x0a) return true;
    if (key === 0x03 || key === 0x04) throw new Error("Cannot read the token: cancelled");
    if (key === 0x7f || key === 0x08) typed.pop();
    else if (key >= 0x20) typed.push(key);
    if (typed.length > MAX_SECRET_BYTES) throw new Error("Cannot read the token: it is too long");
  }
  return false;
}

/**
 * Prints `prompt` on stderr and reads a line from the terminal with echo off
 * (raw mode), so the secret never shows; Backspace edits, Ctrl-C cancels.
 * Gives up after 5 minutes.
 *
 * @throws {Error} when stdin is not a terminal, on Ctrl-C, or on time-out.
 */
export async function readSecret(prompt: string): Promise<string> {
  if (!Deno.stdin.isTerminal()) {
    throw new Error("Cannot prompt for the token: stdin is not a terminal");
  }
  Deno.stdin.setRaw(true); // echo off before the prompt shows: nothing typed after it is seen
  Deno.stderr.writeSync(new TextEncoder().encode(prompt));
  const typed: number[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), PROMPT_TIMEOUT_MS);
  });
  try {
    const buffer = new Uint8Array(1024);
    for (;;) {
      const count = await Promise.race([Deno.stdin.read(buffer), timeout]);
      if (count === "timeout") throw new Error("Cannot read the token: no answer in 5 minutes");
      if (count === null || applyKeys(typed, buffer.subarray(0, count))) break;
    }
  } finally {
    clearTimeout(timer);
    Deno.stdin.setRaw(false);
    Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  }
  return new TextDecoder().decode(new Uint8Array(typed));
}
