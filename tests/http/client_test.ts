import { assertEquals } from "../_assert.ts";
import { AgnesClient, VERSION } from "../../mod.ts";

/** A loopback server that records every request it gets, with the client's port. */
function recordingServer(respond: (request: Request) => Response) {
  const seen: {
    path: string;
    contentLength: string | null;
    body: string;
    host: string | null;
    authorization: string | null;
    userAgent: string | null;
    port: number;
  }[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request, info) => {
      seen.push({
        path: new URL(request.url).pathname,
        contentLength: request.headers.get("content-length"),
        body: await request.text(),
        host: request.headers.get("host"),
        authorization: request.headers.get("authorization"),
        userAgent: request.headers.get("user-agent"),
        port: info.remoteAddr.port,
      });
      return respond(request);
    },
  );
  return {
    seen,
    url: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("AgnesClient sends the token and User-Agent with every request, over one reused connection", async () => {
  await using server = recordingServer(() => Response.json({ status: "ok" }));
  {
    using client = new AgnesClient({ server: server.url, token: "t0k3n" });
    await client.health();
    for (const name of ["s1.jsonl", "s2.jsonl", "s3.jsonl"]) {
      assertEquals(
        (await client.uploadSession(name, new TextEncoder().encode("{}\n"))).kind,
        "http",
      );
    }
    await client.uploadLocalMd("# notes");
  }
  assertEquals(server.seen.map((request) => request.path), [
    "/api/health",
    "/api/upload/sessions",
    "/api/upload/sessions",
    "/api/upload/sessions",
    "/api/upload/local-md",
  ]);
  for (const request of server.seen) {
    assertEquals(request.authorization, "Bearer t0k3n");
    assertEquals(request.userAgent, `agnes-sessions/${VERSION}`);
  }
  assertEquals(new Set(server.seen.map((request) => request.port)).size, 1); // keep-alive
});

Deno.test("AgnesClient never follows a redirect, so the token stays with the configured server", async () => {
  await using server = recordingServer((request) =>
    new URL(request.url).pathname === "/elsewhere"
      ? Response.json({})
      : new Response(null, { status: 307, headers: { location: "/elsewhere" } })
  );
  using client = new AgnesClient({ server: server.url, token: "t0k3n" });
  assertEquals(await client.health(), { accepts: new Set() });
  assertEquals(await client.uploadSession("s.jsonl", new TextEncoder().encode("{}\n")), {
    kind: "http",
    status: 307,
    location: "/elsewhere",
  });
  assertEquals(server.seen.map((request) => request.path), ["/api/health", "/api/upload/sessions"]);
});

Deno.test("AgnesClient connects to localhost as 127.0.0.1 without asking a resolver (RFC 6761)", async () => {
  await using server = recordingServer(() => new Response(null, { status: 200 }));
  const port = new URL(server.url).port;
  {
    using client = new AgnesClient({ server: `http://localhost:${port}`, token: "t" });
    await client.health();
    assertEquals(client.server, `http://localhost:${port}`);
  }
  assertEquals(server.seen.map((request) => request.host), [`127.0.0.1:${port}`]);
});

Deno.test("AgnesClient.uploadSession() sends bytes as a sized body and a stream chunked, as one file part", async () => {
  await using server = recordingServer(() => Response.json({ status: "ok" }));
  {
    using client = new AgnesClient({ server: server.url, token: "t" });
    const bytes = new TextEncoder().encode("{}\n");
    await client.uploadSession("s1.jsonl", bytes);
    await client.uploadSession("s2.jsonl", ReadableStream.from([bytes]), { gzip: true, size: 3 });
  }
  const [sized, streamed] = server.seen;
  assertEquals(sized!.contentLength !== null, true);
  assertEquals(streamed!.contentLength, null);
  for (const [request, filename] of [[sized!, "s1.jsonl"], [streamed!, "s2.jsonl.gz"]] as const) {
    const boundary = /^--([^\r]+)\r\n/.exec(request.body)![1]!;
    assertEquals(
      request.body,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n{}\n\r\n--${boundary}--\r\n`,
    );
  }
});
