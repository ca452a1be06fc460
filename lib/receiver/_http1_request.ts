/**
 * The request the HTTP/1.1 server hands its handler: the head as read and
 * the body as a {@linkcode ByteSource}, without the Fetch API's objects
 * (a `Request`, its `Headers` and its body stream cost more to build than
 * the receiver spends on the rest of an upload). {@linkcode toFetchRequest}
 * builds a `Request` for handlers that want one.
 *
 * @module
 */

import type { ByteSource } from "./_byte_source.ts";
import type { RequestHead } from "./_http1_head.ts";
import { bodyStream, readBody, type RequestBody } from "./_request_body.ts";

/**
 * One request as read from a connection.
 */
export class Http1Request {
  /** The method, as sent. */
  readonly method: string;
  /** The request target, as sent. */
  readonly target: string;
  /** The target's path, without its query. */
  readonly path: string;
  /** The header fields, as sent. */
  readonly headers: readonly [string, string][];
  /** The body, or `null` for GET, HEAD and a request framed without one. */
  readonly body: ByteSource | null;
  /** The body's progress (the server's view of it). */
  readonly state: RequestBody;
  readonly #origin: string;

  /**
   * @param head The parsed head.
   * @param origin `http://host:port`, the base of a target that is a path.
   * @param state The body's state.
   */
  constructor(head: RequestHead, origin: string, state: RequestBody) {
    this.method = head.method;
    this.target = head.target;
    this.path = pathOf(head.target);
    this.headers = head.headers;
    this.state = state;
    this.#origin = origin;
    const bodyless = head.method === "GET" || head.method === "HEAD" || state.done;
    this.body = bodyless ? null : { read: () => readBody(state) };
  }

  /** The request URL: the target, made absolute. */
  get url(): string {
    return this.target.startsWith("/") ? this.#origin + this.target : this.target;
  }

  /** Aborted when reading the body fails (cut off, malformed, timed out). */
  get signal(): AbortSignal {
    return this.state.abort.signal;
  }

  /** The value of header `name` (any case); repeated fields are joined with `, `. */
  header(name: string): string | null {
    const wanted = name.toLowerCase();
    let value: string | null = null;
    for (const [field, text] of this.headers) {
      if (field.length !== wanted.length || field.toLowerCase() !== wanted) continue;
      value = value === null ? text : `${value}, ${text}`;
    }
    return value;
  }
}

/**
 * The path of a request target, without its query; `/` when empty.
 */
export function pathOf(target: string): string {
  const path = target.startsWith("/")
    ? target
    : target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "");
  const query = path.indexOf("?");
  return (query === -1 ? path : path.slice(0, query)) || "/";
}

/**
 * The Fetch API `Request` for `request`, its body streamed from the connection.
 */
export function toFetchRequest(request: Http1Request): Request {
  return new Request(request.url, {
    method: request.method,
    headers: request.headers as [string, string][],
    body: request.body === null ? null : bodyStream(request.state),
    signal: request.signal,
  });
}
