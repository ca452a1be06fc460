import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { startReceiver, TEST_TOKEN } from "../_helpers.ts";
import { head, multipart, RawClient } from "./_raw_http.ts";
import { serveReceiver } from "../../mod.ts";

/** Limits short enough for a test; each test shortens the one it checks. */
const LONG = { headTimeoutMs: 20_000, bodyTimeoutMs: 20_000, keepAliveTimeoutMs: 20_000 };

Deno.test("serveReceiver answers 408 and closes a connection whose head does not arrive within headTimeoutMs", async () => {
  await using receiver = await startReceiver({ ...LONG, headTimeoutMs: 300 });
  using client = await RawClient.open(receiver.url);
  await client.send("POST /api/upload/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // half a head
  assertEquals((await client.readResponse(10_000))?.status, 408);
  assert(await client.closedWithin(10_000), "the connection stayed open");
});

Deno.test("serveReceiver closes a connection that sends nothing within headTimeoutMs", async () => {
  await using receiver = await startReceiver({ ...LONG, headTimeoutMs: 300 });
  using client = await RawClient.open(receiver.url);
  assert(await client.closedWithin(10_000), "the connection stayed open");
});

Deno.test("serveReceiver answers 408 and closes a connection whose body stalls for bodyTimeoutMs", async () => {
  await using receiver = await startReceiver({ ...LONG, bodyTimeoutMs: 300 });
  using client = await RawClient.open(receiver.url);
  const body = multipart("s1.jsonl", "{}\n");
  await client.send(
    head(
      "POST",
      "/api/upload/sessions",
      TEST_TOKEN,
      "Content-Type: multipart/form-data; boundary=b",
      `Content-Length: ${body.length}`,
    ) + body.slice(0, 20),
  );
  assertEquals((await client.readResponse(10_000))?.status, 408);
  assert(await client.closedWithin(10_000), "the connection stayed open");
  assertEquals(await receiver.allFiles(), []);
});

Deno.test("serveReceiver closes an idle kept-alive connection after keepAliveTimeoutMs", async () => {
  await using receiver = await startReceiver({ ...LONG, keepAliveTimeoutMs: 300 });
  using client = await RawClient.open(receiver.url);
  await client.send(head("GET", "/api/health", TEST_TOKEN));
  const response = await client.readResponse();
  assertEquals(response?.status, 200);
  assertEquals(response?.headers.get("connection"), undefined); // kept alive
  assert(await client.closedWithin(10_000), "the idle connection stayed open");
});

Deno.test("serveReceiver answers 503 to a connection over maxConnections while the others keep working", async () => {
  await using receiver = await startReceiver({ ...LONG, maxConnections: 2 });
  using first = await RawClient.open(receiver.url);
  using second = await RawClient.open(receiver.url);
  await first.send(head("GET", "/api/health", TEST_TOKEN)); // both admitted before the third
  assertEquals((await first.readResponse())?.status, 200);
  {
    using extra = await RawClient.open(receiver.url);
    const refused = await extra.readResponse();
    assertEquals([refused?.status, refused?.headers.get("connection")], [503, "close"]);
    assert(await extra.closedWithin(10_000), "the refused connection stayed open");
  }
  for (const client of [first, second]) {
    await client.send(head("GET", "/api/health", TEST_TOKEN));
    assertEquals((await client.readResponse())?.status, 200);
  }
  second.close();
  assert(await second.closedWithin(1000));
  for (let attempt = 0;; attempt++) { // its place frees once the server sees the close
    using next = await RawClient.open(receiver.url);
    await next.send(head("GET", "/api/health", TEST_TOKEN));
    const status = (await next.readResponse())?.status;
    if (status === 200) break;
    assert(attempt < 50 && status === 503, `status ${status} after ${attempt} attempts`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

Deno.test("serveReceiver serves pipelined and kept-alive requests on one connection, in order", async () => {
  await using receiver = await startReceiver(LONG);
  using client = await RawClient.open(receiver.url);
  const upload = (name: string, content: string) => {
    const body = multipart(name, content);
    return head(
      "POST",
      "/api/upload/sessions",
      TEST_TOKEN,
      "Content-Type: multipart/form-data; boundary=b",
      `Content-Length: ${body.length}`,
    ) + body;
  };
  await client.send(
    upload("p1.jsonl", "one\n") + head("GET", "/api/health", TEST_TOKEN) +
      upload("p2.jsonl", "two\n"),
  );
  const answers = [
    await client.readResponse(),
    await client.readResponse(),
    await client.readResponse(),
  ];
  assertEquals(answers.map((answer) => answer?.status), [200, 200, 200]);
  assertEquals(JSON.parse(answers[0]!.body).filename, "p1.jsonl");
  assertEquals(JSON.parse(answers[2]!.body).filename, "p2.jsonl");
  await client.send(upload("p3.jsonl", "three\n")); // the same connection, later
  assertEquals((await client.readResponse())?.status, 200);
  const stored = await receiver.stored();
  assertEquals([...stored.keys()].sort(), ["p1.jsonl", "p2.jsonl", "p3.jsonl"]);
  assertEquals(new TextDecoder().decode(stored.get("p2.jsonl")), "two\n");
});

Deno.test("serveReceiver takes a chunked request body, and answers 400 to a malformed or over-long chunk-size line", async () => {
  await using receiver = await startReceiver(LONG);
  const body = multipart("c1.jsonl", "x".repeat(5000) + "\n");
  const chunked = [body.slice(0, 7), body.slice(7, 4000), body.slice(4000)]
    .map((part) => `${part.length.toString(16)};ext=1\r\n${part}\r\n`).join("") +
    "0\r\nX-Trailer: t\r\n\r\n";
  const chunkedHead = head(
    "POST",
    "/api/upload/sessions",
    TEST_TOKEN,
    "Content-Type: multipart/form-data; boundary=b",
    "Transfer-Encoding: chunked",
  );
  {
    using client = await RawClient.open(receiver.url);
    await client.send(chunkedHead + chunked + head("GET", "/api/health", TEST_TOKEN));
    const stored = await client.readResponse();
    assertEquals([stored?.status, JSON.parse(stored!.body).size], [200, 5001]);
    assertEquals((await client.readResponse())?.status, 200); // the next request, after the trailers
  }
  for (const bad of ["zz\r\n", `${"1".repeat(5000)}\r\n`]) {
    using client = await RawClient.open(receiver.url);
    await client.send(chunkedHead + bad);
    assertEquals((await client.readResponse())?.status, 400, bad.slice(0, 10));
    assert(await client.closedWithin(10_000));
  }
});

Deno.test("serveReceiver answers Expect: 100-continue before reading the body", async () => {
  await using receiver = await startReceiver(LONG);
  using client = await RawClient.open(receiver.url);
  const body = multipart("e1.jsonl", "{}\n");
  await client.send(head(
    "POST",
    "/api/upload/sessions",
    TEST_TOKEN,
    "Content-Type: multipart/form-data; boundary=b",
    `Content-Length: ${body.length}`,
    "Expect: 100-continue",
  ));
  assertEquals((await client.readResponse())?.status, 100);
  await client.send(body);
  assertEquals((await client.readResponse())?.status, 200);
  assertEquals((await receiver.stored()).has("e1.jsonl"), true);
});

Deno.test("serveReceiver answers 431 to an over-long head and 400 to malformed or ambiguous ones, and keeps serving", async () => {
  await using receiver = await startReceiver(LONG);
  const cases: [string, number][] = [
    [head("GET", "/api/health", TEST_TOKEN, `X-Long: ${"a".repeat(17 * 1024)}`), 431],
    ["GET /api/health HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", 400],
    ["GET /api/health HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400],
    ["GET /api/health HTTP/1.1\r\n\r\n", 400], // no Host
    [
      head(
        "POST",
        "/api/upload/sessions",
        TEST_TOKEN,
        "Content-Length: 3",
        "Transfer-Encoding: chunked",
      ),
      400,
    ],
    [
      head("POST", "/api/upload/sessions", TEST_TOKEN, "Content-Length: 3", "Content-Length: 4"),
      400,
    ],
    [head("POST", "/api/upload/sessions", TEST_TOKEN, "Transfer-Encoding: gzip"), 400],
    ["GET /api/health HTTP/2.0\r\nHost: a\r\n\r\n", 505],
    ["\x00\x01\x02 garbage\r\n\r\n", 400],
  ];
  for (const [request, status] of cases) {
    using client = await RawClient.open(receiver.url);
    await client.send(request);
    assertEquals((await client.readResponse())?.status, status, request.slice(0, 60));
    assert(await client.closedWithin(10_000), request.slice(0, 60));
  }
  const health = await fetch(`${receiver.url}/api/health`);
  assertEquals(health.status, 200);
  await health.body?.cancel();
});

Deno.test("serveReceiver answers HEAD with the headers of GET and no body", async () => {
  await using receiver = await startReceiver(LONG);
  using client = await RawClient.open(receiver.url);
  await client.send(head("HEAD", "/nowhere", TEST_TOKEN) + head("GET", "/nowhere", TEST_TOKEN));
  const answer = await client.readResponse(10_000, true);
  assertEquals(answer?.status, 404);
  assert(Number(answer?.headers.get("content-length")) > 0);
  const next = await client.readResponse(); // starts right after the HEAD answer's head
  assertEquals([next?.status, next?.body], [404, '{"detail":"Not Found"}']);
  assertEquals(answer?.headers.get("content-length"), String(next?.body.length));
});

Deno.test("serveReceiver shutdown() closes idle connections and resolves", async () => {
  const receiver = await startReceiver(LONG);
  using idle = await RawClient.open(receiver.url);
  using kept = await RawClient.open(receiver.url);
  await kept.send(head("GET", "/api/health", TEST_TOKEN));
  assertEquals((await kept.readResponse())?.status, 200);
  await receiver[Symbol.asyncDispose](); // shutdown, then remove the data dir
  assert(await idle.closedWithin(1000));
  assert(await kept.closedWithin(1000));
});

Deno.test("serveReceiver sends its headers on every answer and refuses a header value with a line break", async () => {
  await using receiver = await startReceiver({ ...LONG, minVersion: "0.0.9" });
  using client = await RawClient.open(receiver.url);
  await client.send(head("GET", "/api/health", TEST_TOKEN) + head("GET", "/nowhere", TEST_TOKEN));
  for (const status of [200, 404]) {
    const answer = await client.readResponse();
    assertEquals(answer?.status, status);
    assertEquals(answer?.headers.get("x-agnes-min-version"), "0.0.9");
    assertEquals(answer?.headers.get("x-agnes-accepts"), "session-gzip");
  }
  assertThrows(
    () => serveReceiver({ dataDir: receiver.dataDir, tokens: new Map(), minVersion: "1\r\nx: y" }),
    TypeError,
  );
});
