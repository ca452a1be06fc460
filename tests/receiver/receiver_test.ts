import { assert, assertEquals, assertMatch, assertThrows } from "../_assert.ts";
import { gzip, startReceiver, TEST_TOKEN } from "../_helpers.ts";
import { AgnesClient, createReceiver } from "../../mod.ts";
import { head, RawClient, type RawResponse } from "./_raw_http.ts";

const encoder = new TextEncoder();

async function upload(
  url: string,
  filename: string | undefined,
  bytes: Uint8Array,
  token: string | null = TEST_TOKEN,
): Promise<[number, unknown]> {
  const form = new FormData();
  if (filename !== undefined) {
    form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), filename);
  } else form.append("other", "x");
  const response = await fetch(`${url}/api/upload/sessions`, {
    method: "POST",
    body: form,
    headers: token === null ? {} : { Authorization: `Bearer ${token}` },
  });
  return [response.status, await response.json()];
}

Deno.test("receiver health advertises session-gzip, and Python CLI versions only when given them", async () => {
  await using receiver = await startReceiver();
  const response = await fetch(`${receiver.url}/api/health`);
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("x-agnes-accepts"), "session-gzip");
  assertEquals(response.headers.get("x-agnes-latest-version"), null);
  assertEquals(response.headers.get("x-agnes-min-version"), null);
  await response.body?.cancel();
  await using versioned = await startReceiver({ latestVersion: "1.4.0", minVersion: "1.0.0" });
  const answer = await fetch(`${versioned.url}/api/health`);
  assertEquals(answer.headers.get("x-agnes-latest-version"), "1.4.0");
  assertEquals(answer.headers.get("x-agnes-min-version"), "1.0.0");
  await answer.body?.cancel();
});

Deno.test("receiver stores a plain upload under user_sessions/<user>/<name>", async () => {
  await using receiver = await startReceiver();
  const bytes = encoder.encode('{"type":"user"}\n');
  assertEquals(await upload(receiver.url, "s1.jsonl", bytes), [200, {
    status: "ok",
    filename: "s1.jsonl",
    size: bytes.length,
  }]);
  assertEquals((await receiver.stored()).get("s1.jsonl"), bytes);
});

Deno.test("receiver replaces a transcript re-uploaded after it grew", async () => {
  await using receiver = await startReceiver();
  await upload(receiver.url, "s1.jsonl", encoder.encode("a\n"));
  await upload(receiver.url, "s1.jsonl", encoder.encode("a\nb\n"));
  assertEquals((await receiver.stored()).get("s1.jsonl"), encoder.encode("a\nb\n"));
});

Deno.test("receiver stores a gzip upload byte-identical, invalid UTF-8 included", async () => {
  await using receiver = await startReceiver();
  const bytes = new Uint8Array([
    ...encoder.encode('{"a":"'),
    0xff,
    0xc3,
    ...encoder.encode('"}\n'),
  ]);
  const [status, body] = await upload(receiver.url, "s2.jsonl.gz", await gzip(bytes));
  assertEquals([status, body], [200, { status: "ok", filename: "s2.jsonl", size: bytes.length }]);
  assertEquals((await receiver.stored()).get("s2.jsonl"), bytes);
});

Deno.test("receiver answers 400 invalid_gzip for corrupt, truncated, multi-member and trailing-data gzip", async () => {
  await using receiver = await startReceiver();
  const good = await gzip(encoder.encode("x\n".repeat(1000)));
  const cases = {
    corrupt: new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    truncated: good.subarray(0, good.length - 10),
    multiMember: new Uint8Array([...good, ...good]),
    trailing: new Uint8Array([...good, 1, 2, 3]),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    assertEquals(
      await upload(receiver.url, "g.jsonl.gz", bytes),
      [400, { detail: "invalid_gzip" }],
      name,
    );
  }
  assertEquals(await receiver.allFiles(), []);
});

Deno.test("receiver answers 413 to a decompression bomb and stores nothing", async () => {
  await using receiver = await startReceiver({ maxDecompressedBytes: 1024 * 1024 });
  const bomb = await gzip(new Uint8Array(8 * 1024 * 1024));
  assert(bomb.length < 64 * 1024);
  assertEquals(await upload(receiver.url, "b.jsonl.gz", bomb), [413, {
    detail: "Decompressed content too large (max 1MB)",
  }]);
  assertEquals(await receiver.allFiles(), []);
});

Deno.test("receiver's 413 details at the default limits are the contract's", async () => {
  await using receiver = await startReceiver();
  const bomb = await gzip(new Uint8Array(51 * 1024 * 1024));
  assertEquals(await upload(receiver.url, "b.jsonl.gz", bomb), [413, {
    detail: "Decompressed content too large (max 50MB)",
  }]);
  assertEquals(await receiver.allFiles(), []);
});

Deno.test("receiver answers 413 to a body over the limit and stores nothing", async () => {
  await using receiver = await startReceiver({ maxUploadBytes: 1024 * 1024 });
  assertEquals(await upload(receiver.url, "big.jsonl", new Uint8Array(2 * 1024 * 1024)), [413, {
    detail: "File too large (max 1MB)",
  }]);
  assertEquals(await receiver.allFiles(), []);
});

Deno.test("receiver answers 413 to a body whose other parts hold more than the limit allows", async () => {
  await using receiver = await startReceiver({ maxUploadBytes: 1024 * 1024 });
  const form = new FormData();
  form.append("padding", new Blob([new Uint8Array(3 * 1024 * 1024)]), "pad.bin"); // discarded, yet read
  form.append("file", new Blob(["{}\n"]), "s1.jsonl");
  const response = await fetch(`${receiver.url}/api/upload/sessions`, {
    method: "POST",
    body: form,
    headers: { Authorization: `Bearer ${TEST_TOKEN}` },
  });
  assertEquals([response.status, await response.json()], [413, {
    detail: "File too large (max 1MB)",
  }]);
  assertEquals(await receiver.allFiles(), []);
});

Deno.test("receiver answers 400 to traversal, odd and non-.jsonl names", async () => {
  await using receiver = await startReceiver();
  for (
    const name of ["../x.jsonl", "..", ".", "a/b.jsonl", "x y.jsonl", "notes.txt", "a".repeat(201)]
  ) {
    const [status, body] = await upload(receiver.url, name, encoder.encode("x\n"));
    assertEquals(status, 400, name);
    assert(typeof (body as { detail: string }).detail === "string");
  }
  const [status, body] = await upload(receiver.url, "../x.jsonl", encoder.encode("x\n"));
  assertEquals([status, body], [400, { detail: "filename must match [A-Za-z0-9._-]{1,200}" }]);
  assertEquals(await receiver.allFiles(), []);
});

Deno.test("receiver answers 400 to a name with nothing before .jsonl, plain or gzip", async () => {
  await using receiver = await startReceiver();
  assertEquals(await upload(receiver.url, ".jsonl", encoder.encode("x\n")), [400, {
    detail: "filename must have a name before .jsonl",
  }]);
  const gzipped = await gzip(encoder.encode("x\n"));
  assertEquals((await upload(receiver.url, ".jsonl.gz", gzipped))[0], 400);
  assertEquals(await receiver.allFiles(), []);
});

Deno.test("createReceiver() refuses the user ids ., .. and one with a slash with a TypeError", () => {
  for (const user of [".", "..", "a/b"]) {
    assertThrows(
      () => createReceiver({ dataDir: "/nowhere", tokens: new Map([["t", user]]) }),
      TypeError,
    );
  }
});

Deno.test("receiver answers 200 with size 0 to an empty file", async () => {
  await using receiver = await startReceiver();
  assertEquals(await upload(receiver.url, "e.jsonl", new Uint8Array(0)), [200, {
    status: "ok",
    filename: "e.jsonl",
    size: 0,
  }]);
  assertEquals((await receiver.stored()).get("e.jsonl")?.length, 0);
});

Deno.test("receiver answers 401 to a missing or bad token and 422 to a missing part", async () => {
  await using receiver = await startReceiver();
  const bytes = encoder.encode("x\n");
  assertEquals(await upload(receiver.url, "s.jsonl", bytes, null), [401, {
    detail: "Missing or invalid Authorization header",
  }]);
  assertEquals((await upload(receiver.url, "s.jsonl", bytes, "wrong"))[0], 401);
  assertEquals((await upload(receiver.url, undefined, bytes))[0], 422);
  assertEquals(await receiver.allFiles(), []);
});

Deno.test("receiver stores local-md content; missing content is 422", async () => {
  await using receiver = await startReceiver();
  const post = async (body: unknown) => {
    const response = await fetch(`${receiver.url}/api/upload/local-md`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return [response.status, await response.json()];
  };
  assertEquals(await post({ content: "# notes\n" }), [200, {
    status: "ok",
    user: "analyst",
    size: 8,
  }]);
  assertEquals(
    await Deno.readTextFile(`${receiver.dataDir}/local_md/analyst/CLAUDE.local.md`),
    "# notes\n",
  );
  assertEquals((await post({ text: "x" }))[0], 422);
});

Deno.test("receiver answers 413 to local-md content over the limit and keeps the stored one", async () => {
  await using receiver = await startReceiver({ maxUploadBytes: 1024 * 1024 });
  const post = async (content: string) => {
    const response = await fetch(`${receiver.url}/api/upload/local-md`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ content }),
    });
    return [response.status, await response.json()];
  };
  assertEquals((await post("# kept\n"))[0], 200);
  assertEquals(await post("x".repeat(1024 * 1024)), [413, { detail: "File too large (max 1MB)" }]);
  assertEquals(
    await Deno.readTextFile(`${receiver.dataDir}/local_md/analyst/CLAUDE.local.md`),
    "# kept\n",
  );
});

Deno.test("createReceiver() answers through the Fetch API as the server does", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const handler = createReceiver({ dataDir, tokens: new Map([[TEST_TOKEN, "analyst"]]) });
    const form = new FormData();
    form.append("file", new Blob(["{}\n"]), "f1.jsonl");
    const request = new Request("http://x/api/upload/sessions", {
      method: "POST",
      body: form,
      headers: { Authorization: `Bearer ${TEST_TOKEN}` },
    });
    const response = await handler(request);
    assertEquals(response.headers.get("x-agnes-accepts"), "session-gzip");
    assertEquals(await response.json(), { status: "ok", filename: "f1.jsonl", size: 3 });
    assertEquals(
      await Deno.readTextFile(`${dataDir}/user_sessions/analyst/f1.jsonl`),
      "{}\n",
    );
    const missing = await handler(new Request("http://x/nowhere"));
    assertEquals([missing.status, await missing.json()], [404, { detail: "Not Found" }]);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("createReceiver() sends a scripted Response with the headers it set, adding the receiver's others", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const scripted = () =>
      new Response("no", { status: 503, headers: { "x-agnes-accepts": "scripted" } });
    const handler = createReceiver({
      dataDir,
      tokens: new Map([[TEST_TOKEN, "analyst"]]),
      latestVersion: "1.2.3",
      scripted,
    });
    const form = new FormData();
    form.append("file", new Blob(["{}\n"]), "f1.jsonl");
    const response = await handler(
      new Request("http://x/api/upload/sessions", {
        method: "POST",
        body: form,
        headers: { Authorization: `Bearer ${TEST_TOKEN}` },
      }),
    );
    assertEquals([response.status, await response.text()], [503, "no"]);
    assertEquals(response.headers.get("x-agnes-accepts"), "scripted");
    assertEquals(response.headers.get("x-agnes-latest-version"), "1.2.3");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("receiver takes our client's streamed multipart upload, plain and gzip", async () => {
  await using receiver = await startReceiver();
  const bytes = encoder.encode('{"n":1}\n'.repeat(50_000));
  using client = new AgnesClient({ server: receiver.url, token: TEST_TOKEN });
  assertEquals((await client.uploadSession("s9.jsonl", ReadableStream.from([bytes]))).kind, "http");
  assertEquals((await receiver.stored()).get("s9.jsonl"), bytes);
  await Deno.remove(`${receiver.dataDir}/user_sessions/analyst/s9.jsonl`);
  const gzipped = ReadableStream.from([bytes]).pipeThrough(new CompressionStream("gzip"));
  const outcome = await client.uploadSession("s9.jsonl", gzipped, { gzip: true });
  assertEquals(outcome, { kind: "http", status: 200 });
  assertEquals((await receiver.stored()).get("s9.jsonl"), bytes);
});

Deno.test("receiver answers 400 at once to a 40 MiB body with no line end after the boundary or no boundary, before it is all sent", async () => {
  await using receiver = await startReceiver();
  const total = 40 * 1024 * 1024;
  const cases = [
    { start: "--b", filler: 0x61, detail: /no line end within 1024 bytes after a boundary/ },
    { start: "", filler: 0x0d, detail: /no boundary in the first 16384 bytes/ },
  ];
  for (const { start, filler, detail } of cases) {
    using client = await RawClient.open(receiver.url);
    await client.send(
      head(
        "POST",
        "/api/upload/sessions",
        TEST_TOKEN,
        "Content-Type: multipart/form-data; boundary=b",
        `Content-Length: ${total}`,
      ) + start,
    );
    let answer: RawResponse | undefined;
    const answered = client.readResponse(30_000).then((response) => answer = response);
    const chunk = new Uint8Array(64 * 1024).fill(filler);
    let sent = start.length;
    try {
      while (answer === undefined && sent < total) {
        const size = Math.min(chunk.length, total - sent);
        await client.send(chunk.subarray(0, size));
        sent += size;
      }
    } catch {
      // The server closed the connection after answering: what a hostile client gets.
    }
    await answered;
    assertEquals(answer?.status, 400, String(detail));
    assertMatch(answer!.body, detail);
    assert(sent < total, `the answer came only after all ${sent} bytes were sent`);
  }
  assertEquals(await receiver.allFiles(), []);
});
