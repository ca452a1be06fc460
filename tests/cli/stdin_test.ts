import { assert, assertEquals } from "../_assert.ts";
import { readStdinBounded } from "../../lib/cli/stdin.ts";

/** A stdin whose reads hand out `chunks` (text as UTF-8) in turn, then end (or never end). */
function fakeStdin(chunks: (string | Uint8Array)[], options: { end?: boolean } = {}) {
  const queue = chunks.map((chunk) =>
    typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk
  );
  return {
    read(buffer: Uint8Array): Promise<number | null> {
      const next = queue.shift();
      if (next === undefined) {
        return options.end === false ? new Promise<null>(() => {}) : Promise.resolve(null);
      }
      buffer.set(next);
      return Promise.resolve(next.length);
    },
  };
}

Deno.test("readStdinBounded() joins and decodes chunks", async () => {
  const stdin = fakeStdin(['{"a":', '"é"}']);
  assertEquals(await readStdinBounded({ stdin }), { ok: true, text: '{"a":"é"}' });
});

Deno.test("readStdinBounded() decodes as TextDecoder does: ASCII past 8 KiB, a BOM, invalid bytes", async () => {
  const ascii = `{"a":"${"x".repeat(20_000)}"}`;
  assertEquals(await readStdinBounded({ stdin: fakeStdin([ascii]) }), { ok: true, text: ascii });
  const stdin = fakeStdin([new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0xff, 0x7d])]); // BOM { invalid }
  assertEquals(await readStdinBounded({ stdin }), { ok: true, text: "{\uFFFD}" });
});

/**
 * Runs `fn` with a timer keeping the event loop alive, as a pending
 * `Deno.stdin.read` does: the time-out itself does not (see the next tests).
 */
async function whileAlive<T>(fn: () => Promise<T>): Promise<T> {
  const keepAlive = setTimeout(() => {}, 10_000);
  try {
    return await fn();
  } finally {
    clearTimeout(keepAlive);
  }
}

Deno.test("readStdinBounded() times out a read that never ends after timeoutMs, not sooner", async () => {
  const started = performance.now();
  const result = await whileAlive(() =>
    readStdinBounded({ stdin: fakeStdin(["{"], { end: false }), timeoutMs: 80 })
  );
  const elapsed = performance.now() - started;
  assertEquals(result, { ok: false, error: "no end of input after 80 ms" });
  assert(elapsed >= 75, `gave up after ${elapsed} ms`);
  assert(elapsed < 1_000, `gave up only after ${elapsed} ms`);
});

Deno.test("readStdinBounded() with a zero timeout gives up at once on a pending read", async () => {
  const result = await whileAlive(() =>
    readStdinBounded({ stdin: fakeStdin([], { end: false }), timeoutMs: 0 })
  );
  assertEquals(result, { ok: false, error: "no end of input after 0 ms" });
});

Deno.test("readStdinBounded() refuses more than maxBytes", async () => {
  const result = await readStdinBounded({ stdin: fakeStdin(["12345", "6789"]), maxBytes: 8 });
  assertEquals(result, { ok: false, error: "input larger than 8 bytes" });
});

Deno.test("readStdinBounded() turns a failing read into an error result, not a throw", async () => {
  const stdin = { read: () => Promise.reject(new Error("Bad file descriptor")) };
  assertEquals(await readStdinBounded({ stdin }), { ok: false, error: "Bad file descriptor" });
});

Deno.test("readStdinBounded()'s pending time-out does not keep the process alive", async () => {
  // Were the 60 s time-out holding the event loop, this would take a minute.
  const script = `import { readStdinBounded } from "${new URL(
    "../../lib/cli/stdin.ts",
    import.meta.url,
  )}";
    const result = await readStdinBounded({ timeoutMs: 60_000 });
    console.log(JSON.stringify(result));`;
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("hello"));
  await writer.close();
  const { code, stdout } = await child.output();
  const elapsed = performance.now() - started;
  assertEquals(code, 0);
  assertEquals(JSON.parse(new TextDecoder().decode(stdout)), { ok: true, text: "hello" });
  assert(elapsed < 20_000, `the process lived ${elapsed} ms`);
});
