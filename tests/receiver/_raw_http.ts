/**
 * A raw TCP client for the server tests: sends exactly the bytes a test
 * writes (half heads, stalled bodies, pipelined requests) and reads answers
 * with a deadline on every wait.
 */

/** One parsed answer. */
export interface RawResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Map<string, string>;
  body: string;
}

const decoder = new TextDecoder();

/** A connection to a test server, owning what it has read and not yet parsed. */
export class RawClient implements Disposable {
  #buffer = new Uint8Array(0);
  #closed = false;

  private constructor(readonly conn: Deno.TcpConn) {}

  /** Connects to `url` (`http://127.0.0.1:port`). */
  static async open(url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    return new RawClient(await Deno.connect({ hostname, port: Number(port) }));
  }

  /** Writes `data` whole. */
  async send(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    for (let at = 0; at < bytes.length;) at += await this.conn.write(bytes.subarray(at));
  }

  /** Reads more bytes; `false` at the end of the stream or when `deadline` passes. */
  async #fill(deadline: number): Promise<boolean> {
    if (this.#closed) return false;
    const chunk = new Uint8Array(64 * 1024);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), Math.max(0, deadline - Date.now()));
    });
    const read = this.conn.read(chunk).catch(() => null);
    const count = await Promise.race([read, late]);
    clearTimeout(timer);
    if (count === "late") return false;
    if (count === null) {
      this.#closed = true;
      return false;
    }
    const joined = new Uint8Array(this.#buffer.length + count);
    joined.set(this.#buffer);
    joined.set(chunk.subarray(0, count), this.#buffer.length);
    this.#buffer = joined;
    return true;
  }

  /**
   * Reads one answer (its body framed by Content-Length; none when
   * `bodyless`, as for HEAD), or `undefined` when the connection closes or
   * `ms` pass first.
   */
  async readResponse(ms = 10_000, bodyless = false): Promise<RawResponse | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const text = decoder.decode(this.#buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end !== -1) {
        const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
        const headers = new Map(lines.map((line) => {
          const colon = line.indexOf(":");
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
        }));
        const length = bodyless ? 0 : Number(headers.get("content-length") ?? 0);
        const bodyStart = new TextEncoder().encode(text.slice(0, end + 4)).length;
        if (this.#buffer.length >= bodyStart + length) {
          const body = decoder.decode(this.#buffer.subarray(bodyStart, bodyStart + length));
          this.#buffer = this.#buffer.subarray(bodyStart + length);
          return { status: Number(statusLine!.split(" ")[1]), headers, body };
        }
      }
      if (!(await this.#fill(deadline))) return undefined;
    }
  }

  /** Whether the server closes the connection (end of stream or reset) within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (await this.#fill(deadline));
    return this.#closed;
  }

  /** Everything the server sends until it closes (or `ms` pass), as text. */
  async readAll(ms = 10_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (await this.#fill(deadline));
    const text = decoder.decode(this.#buffer);
    this.#buffer = new Uint8Array(0);
    return text;
  }

  /** Closes our side. */
  close(): void {
    try {
      this.conn.close();
    } catch {
      // Closed already.
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** A request head with the test token, a Host and the given extra header lines. */
export function head(
  method: string,
  path: string,
  token: string,
  ...extra: string[]
): string {
  return [
    `${method} ${path} HTTP/1.1`,
    "Host: 127.0.0.1",
    `Authorization: Bearer ${token}`,
    ...extra,
  ]
    .join("\r\n") + "\r\n\r\n";
}

/** A one-file multipart body (boundary `b`) holding `content` under `filename`. */
export function multipart(filename: string, content: string): string {
  return `--b\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n\r\n` +
    `${content}\r\n--b--\r\n`;
}
