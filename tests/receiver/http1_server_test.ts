import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import {
  DEFAULT_LIMITS,
  type Exchange,
  type Http1Server,
  serveHttp1,
} from "../../lib/receiver/_http1_server.ts";
import { toFetchRequest } from "../../lib/receiver/_http1_request.ts";
import { jsonAnswer } from "../../lib/receiver/_http1_response.ts";
import { RawClient } from "./_raw_http.ts";

/** A server on 127.0.0.1 with a Fetch API `handler`, recording its exchanges. */
function start(
  handler: (request: Request) => Promise<Response>,
  drainBytes = DEFAULT_LIMITS.drainBytes,
): { server: Http1Server; url: string; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const server = serveHttp1({
    hostname: "127.0.0.1",
    port: 0,
    handler: (request) => handler(toFetchRequest(request)),
    limits: { ...DEFAULT_LIMITS, drainBytes },
    onExchange: (exchange) => exchanges.push(exchange),
  });
  return { server, url: `http://127.0.0.1:${server.addr.port}`, exchanges };
}

const post = (size: number) =>
  `POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: ${size}\r\n\r\n${"x".repeat(size)}`;
const get = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";

Deno.test("serveHttp1() answers 500 when the handler throws, and keeps the connection", async () => {
  const { server, url } = start((request) =>
    new URL(request.url).pathname === "/boom"
      ? Promise.reject(new Error("handler failed"))
      : Promise.resolve(new Response("fine"))
  );
  try {
    using client = await RawClient.open(url);
    await client.send("GET /boom HTTP/1.1\r\nHost: a\r\n\r\n" + get);
    assertEquals((await client.readResponse())?.status, 500);
    assertEquals((await client.readResponse())?.body, "fine");
  } finally {
    await server.shutdown();
  }
});

Deno.test("serveHttp1() drains a body the handler left unread up to drainBytes, and closes past it", async () => {
  const { server, url } = start(() => Promise.resolve(new Response("ok")), 1000);
  try {
    {
      using client = await RawClient.open(url);
      await client.send(post(1000) + get);
      const first = await client.readResponse();
      assertEquals([first?.status, first?.headers.get("connection")], [200, undefined]);
      assertEquals((await client.readResponse())?.status, 200); // the next request, after the drain
    }
    using client = await RawClient.open(url);
    await client.send(post(1001) + get);
    const only = await client.readResponse();
    assertEquals([only?.status, only?.headers.get("connection")], [200, "close"]);
    assert(await client.closedWithin(10_000));
  } finally {
    await server.shutdown();
  }
});

Deno.test("serveHttp1() logs an exchange whose answer cannot be written, and closes the connection", async () => {
  const broken = () =>
    new ReadableStream<Uint8Array>({
      pull: (controller) => controller.error(new Error("answer body failed")),
    });
  const { server, url, exchanges } = start(() => Promise.resolve(new Response(broken())));
  try {
    using client = await RawClient.open(url);
    await client.send(get);
    assert(await client.closedWithin(10_000));
    assertEquals(exchanges.map(({ method, path, status }) => [method, path, status]), [
      ["GET", "/next", 200],
    ]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serveHttp1() sends an answer over 64 KiB chunked to HTTP/1.1 and until close to HTTP/1.0", async () => {
  const big = "y".repeat(100_000);
  const { server, url } = start(() => Promise.resolve(new Response(big)));
  try {
    {
      using client = await RawClient.open(url);
      await client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      const text = await client.readAll();
      assertStringIncludes(text, "transfer-encoding: chunked\r\n");
      let rest = text.slice(text.indexOf("\r\n\r\n") + 4);
      let decoded = "";
      for (let size = -1; size !== 0;) { // size line, data, CRLF; the last chunk is 0
        const lineEnd = rest.indexOf("\r\n");
        size = parseInt(rest.slice(0, lineEnd), 16);
        decoded += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        assertEquals(rest.slice(lineEnd + 2 + size, lineEnd + 4 + size), "\r\n");
        rest = rest.slice(lineEnd + 4 + size);
      }
      assertEquals([decoded, rest], [big, ""]);
    }
    using client = await RawClient.open(url);
    await client.send("GET / HTTP/1.0\r\n\r\n");
    const text = await client.readAll();
    assert(!text.includes("transfer-encoding"), "chunked to HTTP/1.0");
    assertEquals(text.slice(text.indexOf("\r\n\r\n") + 4), big);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serveHttp1() answers 400 to a target that is neither a path nor an http URL, and takes an absolute one", async () => {
  const { server, url, exchanges } = start((request) => Promise.resolve(new Response(request.url)));
  try {
    {
      using client = await RawClient.open(url);
      await client.send("GET * HTTP/1.1\r\nHost: a\r\n\r\n");
      assertEquals((await client.readResponse())?.status, 400);
      assert(await client.closedWithin(10_000));
    }
    using client = await RawClient.open(url);
    await client.send("GET http://other:1/x?y HTTP/1.1\r\nHost: a\r\n\r\n");
    assertEquals((await client.readResponse())?.body, "http://other:1/x?y");
    assertEquals(exchanges.map(({ path, status }) => [path, status]), [["*", 400], ["/x", 200]]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serveHttp1() writes a plain answer with its header lines, a date and its length, and no body to HEAD", async () => {
  const exchanges: Exchange[] = [];
  const server = serveHttp1({
    hostname: "127.0.0.1",
    port: 0,
    handler: (request) =>
      Promise.resolve(
        jsonAnswer(201, { path: request.path }, `x-seen: ${request.header("x-a")}\r\n`),
      ),
    limits: DEFAULT_LIMITS,
    onExchange: (exchange) => exchanges.push(exchange),
  });
  try {
    using client = await RawClient.open(`http://127.0.0.1:${server.addr.port}`);
    await client.send(
      "HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n" +
        "GET /g HTTP/1.0\r\nX-A: 1\r\nx-a: 2\r\nConnection: keep-alive\r\n\r\n",
    );
    const headAnswer = await client.readResponse(10_000, true);
    assertEquals([headAnswer?.status, headAnswer?.headers.get("content-length")], [201, "13"]); // {"path":"/h"}
    const answer = await client.readResponse();
    assertEquals([answer?.status, answer?.body], [201, '{"path":"/g"}']);
    assertEquals(answer?.headers.get("content-type"), "application/json");
    assertEquals(answer?.headers.get("x-seen"), "1, 2");
    assertEquals(answer?.headers.get("connection"), "keep-alive");
    assert(answer?.headers.get("date")?.endsWith(" GMT"));
    assertEquals(exchanges.map(({ request }) => request?.header("X-A") ?? null), [null, "1, 2"]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serveHttp1() gives a Fetch API handler body chunks of its own, intact after the connection reads on", async () => {
  const kept: Uint8Array[] = [];
  const { server, url } = start(async (request) => {
    for await (const chunk of request.body ?? []) kept.push(chunk);
    return new Response("ok");
  });
  try {
    using client = await RawClient.open(url);
    await client.send(post(1000));
    assertEquals((await client.readResponse())?.body, "ok");
    const first = new TextDecoder().decode(kept[0]);
    await client.send(
      `POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n${"z".repeat(1000)}`,
    );
    assertEquals((await client.readResponse())?.body, "ok");
    assertEquals(new TextDecoder().decode(kept[0]), first);
    assertEquals(first, "x".repeat(1000));
  } finally {
    await server.shutdown();
  }
});
