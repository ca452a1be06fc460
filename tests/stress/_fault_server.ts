/**
 * A fault-injecting HTTP/1.1 server on loopback, written on `Deno.listen`
 * so it can do what a well-behaved server library will not: reset a
 * connection in the middle of a request body, or sit on an answer past the
 * client's time-out. Each request gets the fault its plan picks; "receive"
 * hands it to the real receiver (`createReceiver`), which stores it.
 *
 * One request per connection (every answer says `Connection: close`);
 * request bodies must come with a `Content-Length` (uploads up to 4 MiB
 * are sent that way), and are read whole, at most 8 MiB.
 */

import { createReceiver } from "../../mod.ts";

/** What the server does with one request. */
export type Fault =
  /** The real receiver answers (and stores an upload). */
  | { kind: "receive" }
  /** Answer this status without storing anything. */
  | { kind: "status"; status: number; headers?: Record<string, string> }
  /** Read the head and the start of the body, then close the connection: a reset mid-body. */
  | { kind: "reset" }
  /** The receiver stores the upload, but the answer is held back `holdMs` (or until the client gives up). */
  | { kind: "slow"; holdMs: number };

/** What the plan is told about a request. */
export interface FaultRequest {
  method: string;
  path: string;
  /** An upload's file name, without `.gz`. */
  name?: string;
}

/** One request and what became of it. */
export interface Exchange {
  request: FaultRequest;
  fault: Fault;
  /** The status the client was sent; `undefined` when it got none (reset, or gave up waiting). */
  status?: number;
  /** Whether the receiver stored the upload. */
  stored: boolean;
  /** When the exchange ended, `performance.now()`. */
  endedAt: number;
}

/** Options for {@linkcode startFaultServer}. */
export interface FaultServerOptions {
  dataDir: string;
  tokens: ReadonlyMap<string, string>;
  /** Picks each request's fault. */
  plan: (request: FaultRequest) => Fault;
}

/** A running fault server. */
export interface FaultServer extends AsyncDisposable {
  url: string;
  /** Every exchange so far, in the order they ended. */
  exchanges: Exchange[];
  /** Replaces the plan. */
  setPlan(plan: (request: FaultRequest) => Fault): void;
  /**
   * Resolves once every connection open now has been handled (an exchange is
   * recorded when the client gives up, which it may learn after the client
   * moved on); `false` when that took longer than `ms`.
   */
  settled(ms?: number): Promise<boolean>;
}

const MAX_HEAD = 64 * 1024;
const MAX_BODY = 8 * 1024 * 1024;
const PEEK = 2048;
const HEAD_END = new Uint8Array([13, 10, 13, 10]);

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Buffered reads from one connection. */
class Connection {
  buffer: Uint8Array = new Uint8Array(0);
  constructor(readonly conn: Deno.Conn) {}

  /** Reads more bytes into the buffer; `false` at the end of the stream (or on an error). */
  async fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    let count: number | null;
    try {
      count = await this.conn.read(chunk);
    } catch {
      return false;
    }
    if (count === null) return false;
    this.buffer = concat(this.buffer, chunk.subarray(0, count));
    return true;
  }

  /** The request head (up to the blank line), or `undefined` when the connection ends first. */
  async head(): Promise<string | undefined> {
    for (
      let end = indexOf(this.buffer, HEAD_END);
      end === -1;
      end = indexOf(this.buffer, HEAD_END)
    ) {
      if (this.buffer.length > MAX_HEAD || !await this.fill()) return undefined;
    }
    const end = indexOf(this.buffer, HEAD_END);
    const head = new TextDecoder().decode(this.buffer.subarray(0, end));
    this.buffer = this.buffer.subarray(end + 4);
    return head;
  }

  /** At least `count` buffered bytes (fewer when the connection ends first). */
  async atLeast(count: number): Promise<Uint8Array> {
    while (this.buffer.length < count && await this.fill());
    return this.buffer.subarray(0, Math.min(count, this.buffer.length));
  }

  /** Resolves once the client closes its side, or after `ms`: whichever comes first. */
  async closedWithin(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
    const closed = (async () => {
      while (await this.fill()) this.buffer = new Uint8Array(0);
      return true;
    })();
    const result = await Promise.race([closed, timeout]);
    clearTimeout(timer);
    return result;
  }

  async write(bytes: Uint8Array): Promise<void> {
    for (let written = 0; written < bytes.length;) {
      written += await this.conn.write(bytes.subarray(written));
    }
  }
}

/** An answer as bytes on the wire, closing the connection after it. */
async function serialize(response: Response): Promise<Uint8Array> {
  const body = new Uint8Array(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText || "Status"}`];
  for (const [name, value] of response.headers) {
    if (name !== "content-length" && name !== "connection") lines.push(`${name}: ${value}`);
  }
  lines.push(`content-length: ${body.length}`, "connection: close", "", "");
  return concat(new TextEncoder().encode(lines.join("\r\n")), body);
}

/** Parses a request head: method, target and headers. */
function parseHead(head: string): { method: string; target: string; headers: Headers } {
  const [requestLine = "", ...headerLines] = head.split("\r\n");
  const [method = "", target = "/"] = requestLine.split(" ");
  const headers = new Headers();
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { method, target, headers };
}

/** Starts a fault server on 127.0.0.1, port 0. */
export function startFaultServer(options: FaultServerOptions): FaultServer {
  const receive = createReceiver({ dataDir: options.dataDir, tokens: options.tokens });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const exchanges: Exchange[] = [];
  const open = new Set<Deno.Conn>();
  const handlers = new Set<Promise<void>>();
  let plan = options.plan;

  const handle = async (conn: Deno.Conn) => {
    const connection = new Connection(conn);
    const head = await connection.head();
    if (head === undefined) return;
    const { method, target, headers } = parseHead(head);
    const length = Number(headers.get("content-length") ?? "0");
    if (method === "POST" && !headers.has("content-length")) {
      await connection.write(await serialize(new Response("length required", { status: 411 })));
      return;
    }
    const peek = new TextDecoder("latin1").decode(await connection.atLeast(Math.min(PEEK, length)));
    const filename = /filename="([^"]*)"/.exec(peek)?.[1];
    const request: FaultRequest = { method, path: target.split("?")[0]! };
    if (filename !== undefined) request.name = filename.replace(/\.gz$/, "");
    const fault = plan(request);
    const exchange: Exchange = { request, fault, stored: false, endedAt: 0 };
    try {
      if (fault.kind === "reset") return; // unread body in the socket: closing sends a reset
      if (length > MAX_BODY) {
        throw new Error(`body of ${length} bytes: larger than this server takes`);
      }
      const body = (await connection.atLeast(length)).slice();
      let response: Response;
      if (fault.kind === "status") {
        response = Response.json({ detail: "fault" }, {
          status: fault.status,
          ...(fault.headers === undefined ? {} : { headers: fault.headers }),
        });
      } else {
        response = await receive(
          new Request(`http://127.0.0.1${target}`, {
            method,
            headers,
            ...(method === "GET" || method === "HEAD" ? {} : { body }),
          }),
        );
        exchange.stored = request.name !== undefined && response.status === 200;
      }
      if (fault.kind === "slow" && await connection.closedWithin(fault.holdMs)) {
        await response.body?.cancel();
        return; // the client gave up waiting
      }
      await connection.write(await serialize(response));
      exchange.status = response.status;
    } finally {
      exchange.endedAt = performance.now();
      exchanges.push(exchange);
    }
  };

  const accepting = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      const handler = handle(conn).catch(() => {}).finally(() => {
        open.delete(conn);
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      });
      handlers.add(handler);
      handler.finally(() => handlers.delete(handler));
    }
  })().catch(() => {});

  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    setPlan(next) {
      plan = next;
    },
    async settled(ms = 10_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
      const done = Promise.all([...handlers]).then(() => true);
      const result = await Promise.race([done, timeout]);
      clearTimeout(timer);
      return result;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting;
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await Promise.all([...handlers]);
    },
  };
}
