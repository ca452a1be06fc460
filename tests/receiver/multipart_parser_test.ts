import { assert, assertEquals, assertRejects } from "../_assert.ts";
import {
  MULTIPART_LIMITS,
  MultipartError,
  parseContentDisposition,
  parseMultipart,
  type PartHeaders,
} from "../../lib/receiver/_multipart_parser.ts";
import { streamSource } from "../../lib/receiver/_byte_source.ts";

const encoder = new TextEncoder();
const MIB = 1024 * 1024;

/** A body of `head`, then `fillerBytes` of `filler` in 64 KiB chunks, counting what was pulled. */
function hostileBody(head: string, filler: number, fillerBytes: number) {
  const counter = { pulled: 0 };
  const chunk = new Uint8Array(64 * 1024).fill(filler);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      // The parser must stop long before this; old code that reads on is stopped here.
      if (counter.pulled > 4 * MIB) throw new Error("read on past 4 MiB of a hostile body");
      const next = sent === 0 ? new Uint8Array([...encoder.encode(head), ...chunk]) : chunk;
      if (sent >= fillerBytes) return controller.close();
      sent += chunk.length;
      counter.pulled += next.length;
      controller.enqueue(next);
    },
  }, { highWaterMark: 0 });
  return { stream, counter };
}

/** Parses `chunks` as one body, returning each part's headers and content. */
async function parts(chunks: Uint8Array[], boundary = "b"): Promise<[string, string][]> {
  const found: [string, string][] = [];
  await parseMultipart(
    streamSource(ReadableStream.from(chunks)),
    boundary,
    (headers: PartHeaders) => {
      const entry: [string, string] = [headers.get("content-disposition") ?? "", ""];
      found.push(entry);
      return {
        write: (chunk) => {
          entry[1] += new TextDecoder().decode(chunk);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
        abort: () => Promise.resolve(),
      };
    },
  );
  return found;
}

const BODY = 'preamble\r\n--b  \t\r\nContent-Disposition: form-data; name="a"\r\n\r\n' +
  "one\r\n--b\r\n\r\ntwo\r\n\r\n--b--\r\nepilogue";
const EXPECTED: [string, string][] = [['form-data; name="a"', "one"], ["", "two\r\n"]];

Deno.test("parseMultipart() gives the same parts however the body is split into chunks", async () => {
  const bytes = encoder.encode(BODY);
  for (let cut = 0; cut <= bytes.length; cut++) {
    assertEquals(
      await parts([bytes.subarray(0, cut), bytes.subarray(cut)]),
      EXPECTED,
      `cut ${cut}`,
    );
  }
  assertEquals(await parts(Array.from(bytes, (byte) => new Uint8Array([byte]))), EXPECTED);
});

Deno.test("parseMultipart() finds a long boundary among near-matches, however the body is split", async () => {
  const boundary = "agnes-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  const nearMisses = [
    "\r\n--agnes-0f1e", // a prefix
    `\r\n-${boundary}`, // one dash
    `\r\n--${boundary.slice(0, -1)}Z`, // the last byte differs
    `\n--${boundary}`, // no CR
    `\r--${boundary}`, // no LF
    `\r\n--${boundary.slice(0, 20)}`, // cut off
  ];
  const content = `x${nearMisses.join("y")}z`;
  const bytes = encoder.encode(`--${boundary}\r\n\r\n${content}\r\n--${boundary}--`);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const found = await parts([bytes.subarray(0, cut), bytes.subarray(cut)], boundary);
    assertEquals(found, [["", content]], `cut ${cut}`);
  }
});

Deno.test("parseMultipart() reads a preamble that begins like the boundary, however the body is split", async () => {
  const bytes = encoder.encode("--bq not yet\r\n--bz\r\n\r\nx\r\n--bz--\r\n");
  for (let cut = 0; cut <= bytes.length; cut++) {
    assertEquals(await parts([bytes.subarray(0, cut), bytes.subarray(cut)], "bz"), [["", "x"]]);
  }
});

Deno.test("parseMultipart() rejects 40 MiB with no line end after the boundary within the first 128 KiB read", async () => {
  const { stream, counter } = hostileBody("--b", 0x61, 40 * MIB);
  const error = await assertRejects(() =>
    parseMultipart(streamSource(stream), "b", () => undefined)
  );
  assert(error instanceof MultipartError, `expected a MultipartError, got ${error}`);
  assertEquals(
    error.message,
    `Cannot parse multipart body: no line end within ${MULTIPART_LIMITS.boundaryLineBytes} bytes after a boundary`,
  );
  assert(counter.pulled <= 128 * 1024, `read ${counter.pulled} bytes`);
});

Deno.test("parseMultipart() accepts transport padding up to its cap and rejects one byte more", async () => {
  const cap = MULTIPART_LIMITS.boundaryLineBytes;
  const body = (padding: number) =>
    encoder.encode(`--b${" ".repeat(padding)}\r\n\r\nx\r\n--b--\r\n`);
  assertEquals(await parts([body(cap)]), [["", "x"]]);
  await assertRejects(() => parts([body(cap + 1)]), MultipartError);
  const bytes = body(cap + 1); // a byte at a time: the cap holds across chunks too
  await assertRejects(
    () => parts(Array.from(bytes, (byte) => new Uint8Array([byte]))),
    MultipartError,
  );
});

Deno.test("parseMultipart() rejects 40 MiB of preamble without a boundary within the first 128 KiB read", async () => {
  const { stream, counter } = hostileBody("", 0x0d, 40 * MIB); // CRs: each may start a delimiter
  const error = await assertRejects(() =>
    parseMultipart(streamSource(stream), "b", () => undefined)
  );
  assert(error instanceof MultipartError, `expected a MultipartError, got ${error}`);
  assertEquals(
    error.message,
    `Cannot parse multipart body: no boundary in the first ${MULTIPART_LIMITS.preambleBytes} bytes`,
  );
  assert(counter.pulled <= 128 * 1024, `read ${counter.pulled} bytes`);
});

Deno.test("parseMultipart() accepts a preamble up to its cap and rejects one byte more", async () => {
  const cap = MULTIPART_LIMITS.preambleBytes;
  const body = (preamble: number) =>
    encoder.encode(`${"p".repeat(preamble - 2)}\r\n--b\r\n\r\nx\r\n--b--\r\n`);
  assertEquals(await parts([body(cap)]), [["", "x"]]);
  await assertRejects(() => parts([body(cap + 1)]), MultipartError);
});

Deno.test("parseMultipart() rejects a part header section over its cap, fed a byte at a time", async () => {
  const cap = MULTIPART_LIMITS.headerBytes;
  const body = (size: number) =>
    encoder.encode(`--b\r\nX: ${"h".repeat(size - 3)}\r\n\r\nx\r\n--b--`);
  assertEquals((await parts([body(cap)])).length, 1);
  const over = body(cap + 1);
  const error = await assertRejects(
    () => parts(Array.from(over, (byte) => new Uint8Array([byte]))),
    MultipartError,
  );
  assertEquals(error.message, `Cannot parse multipart body: part headers longer than ${cap} bytes`);
});

Deno.test("parseMultipart() hands a large part on in chunks without holding it", async () => {
  const content = new Uint8Array(8 * MIB).fill(0x7a);
  const chunks = [encoder.encode("--b\r\n\r\n")];
  for (let at = 0; at < content.length; at += 64 * 1024) {
    chunks.push(content.subarray(at, at + 64 * 1024));
  }
  chunks.push(encoder.encode("\r\n--b--\r\n"));
  let largest = 0;
  let total = 0;
  await parseMultipart(streamSource(ReadableStream.from(chunks)), "b", () => ({
    write: (chunk) => {
      largest = Math.max(largest, chunk.length);
      total += chunk.length;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
    abort: () => Promise.resolve(),
  }));
  assertEquals(total, content.length);
  assert(largest <= 64 * 1024 + 64, `a write of ${largest} bytes`);
});

Deno.test("parseMultipart() rejects a body that ends before its closing boundary", async () => {
  const error = await assertRejects(
    () => parts([encoder.encode("--b\r\n\r\npartial")]),
    MultipartError,
  );
  assertEquals(error.message, "Cannot parse multipart body: it ends early");
});

Deno.test("parseContentDisposition() reads the name and the file name of a part", () => {
  assertEquals(parseContentDisposition('form-data; name="file"; filename="a.jsonl"'), {
    name: "file",
    filename: "a.jsonl",
  });
});
