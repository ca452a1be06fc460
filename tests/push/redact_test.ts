import { assertEquals } from "../_assert.ts";
import { JwtRedactionStream, redactJwtBytes } from "../../mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk";

Deno.test("redactJwtBytes() replaces every JWT-shaped token and nothing else", () => {
  const input = `a ${JWT} b "${JWT}" eyJnotatoken eyJa.b eyJa.b.c end`;
  const { output } = redactJwtBytes(encoder.encode(input), true);
  assertEquals(
    decoder.decode(output),
    'a [REDACTED-JWT] b "[REDACTED-JWT]" eyJnotatoken eyJa.b [REDACTED-JWT] end',
  );
});

Deno.test("JwtRedactionStream finds a token split at any chunk boundary", async () => {
  const whole = encoder.encode(`start ${JWT} mid "${JWT}" eyJnot.a end ey`);
  const expected = decoder.decode(redactJwtBytes(whole, true).output);
  for (let cut = 0; cut <= whole.length; cut++) {
    for (const second of [cut, Math.min(whole.length, cut + 5)]) {
      const chunks = [whole.slice(0, cut), whole.slice(cut, second), whole.slice(second)];
      const stream = ReadableStream.from(chunks).pipeThrough(new JwtRedactionStream());
      assertEquals(await new Response(stream).text(), expected, `cut at ${cut}/${second}`);
    }
  }
});

Deno.test("redactJwtBytes() keeps invalid UTF-8 around a token byte for byte", () => {
  const input = new Uint8Array([0xff, 0xfe, 0x20, ...encoder.encode(JWT), 0x20, 0xc3]);
  const { output } = redactJwtBytes(input, true);
  assertEquals(
    output,
    new Uint8Array([0xff, 0xfe, 0x20, ...encoder.encode("[REDACTED-JWT]"), 0x20, 0xc3]),
  );
});

Deno.test("redactJwtBytes() holds back a possible token between chunks only up to 64 KiB", () => {
  const short = encoder.encode("x eyJ" + "a".repeat(1000)); // may still become a token
  assertEquals(redactJwtBytes(short, false).rest, short.subarray(2));
  const long = encoder.encode("x eyJ" + "a".repeat(65 * 1024)); // too long to be one
  const { output, rest } = redactJwtBytes(long, false);
  assertEquals([output.length, rest.length], [long.length, 0]);
});

Deno.test("JwtRedactionStream passes a long run that never becomes a token through unchanged", async () => {
  const run = encoder.encode("eyJ" + "a".repeat(200 * 1024));
  const chunks = [0, 1, 2, 3].map((i) =>
    run.slice(i * 51_200, i === 3 ? undefined : (i + 1) * 51_200)
  );
  const stream = ReadableStream.from(chunks).pipeThrough(new JwtRedactionStream());
  assertEquals(new Uint8Array(await new Response(stream).arrayBuffer()), run);
});

Deno.test("redactJwtBytes() agrees with the token's grammar as a regular expression on 3,000 random texts", () => {
  const alphabet = ["e", "y", "J", "eyJ", "a", "Z", "0", "-", "_", ".", " ", '"', "\n"];
  const grammar = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
  let seed = 11;
  const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  for (let run = 0; run < 3000; run++) {
    const text = Array.from({ length: random(40) }, () => alphabet[random(alphabet.length)]).join(
      "",
    );
    const { output } = redactJwtBytes(encoder.encode(text), true);
    assertEquals(decoder.decode(output), text.replace(grammar, "[REDACTED-JWT]"), text);
  }
});
