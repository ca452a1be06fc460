/**
 * Writing an answer on an HTTP/1.1 connection: the status line and headers
 * (the framing and `Connection` headers are ours, replacing any the handler
 * set), then the body. A {@linkcode PlainAnswer} (the receiver's small JSON)
 * goes out in one write, its head built from text prepared in advance. A
 * `Response` body is sent with `Content-Length` when it ends within 64 KiB,
 * else chunked as it streams (for HTTP/1.0, until the connection closes).
 * A HEAD answer has its headers and no body.
 *
 * @module
 */

import { concatBytes } from "./_bytes.ts";
import type { Http1Connection } from "./_http1_connection.ts";

/** Bodies up to this size are sent with a `Content-Length`. */
export const SIZED_BODY_BYTES = 64 * 1024;

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Content Too Large",
  417: "Expectation Failed",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

const encoder = new TextEncoder();

/** Headers that describe one connection or message framing: ours to set. */
const OURS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "upgrade",
]);

/**
 * An answer written as is: no `Response`, no `Headers`, no body stream.
 * The server adds `date`, `content-length` and `connection`.
 */
export interface PlainAnswer {
  /** The status code. */
  readonly status: number;
  /**
   * The other header lines, each `name: value\r\n` (latin-1 text), or `""`.
   * Not framing headers (`content-length`, `transfer-encoding`, `connection`).
   */
  readonly headerLines: string;
  /** The body. */
  readonly body: Uint8Array;
}

/** What a handler of the HTTP/1.1 server answers. */
export type Http1Answer = Response | PlainAnswer;

const JSON_LINE = "content-type: application/json\r\n";

/**
 * A {@linkcode PlainAnswer} of JSON.
 *
 * @param headerLines More header lines, each `name: value\r\n`.
 */
export function jsonAnswer(status: number, body: unknown, headerLines = ""): PlainAnswer {
  return {
    status,
    headerLines: JSON_LINE + headerLines,
    body: encoder.encode(JSON.stringify(body)),
  };
}

/** How an answer is sent. */
export interface ResponseFraming {
  /** The request's minor version: 0 for HTTP/1.0. */
  minor: 0 | 1;
  /** Keep the connection open afterwards (when the framing allows). */
  keepAlive: boolean;
  /** Answering a HEAD request: headers only. */
  head: boolean;
  /** The longest a write may wait for the client, in ms. */
  idleMs: number;
}

/** The start of a body: up to {@linkcode SIZED_BODY_BYTES}, and whether it ended there. */
interface BodyStart {
  chunks: Uint8Array[];
  size: number;
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
}

async function readStart(body: ReadableStream<Uint8Array> | null): Promise<BodyStart> {
  const start: BodyStart = { chunks: [], size: 0, reader: body?.getReader() };
  while (start.reader !== undefined && start.size <= SIZED_BODY_BYTES) {
    const { value, done } = await start.reader.read();
    if (done) start.reader = undefined;
    else {
      start.chunks.push(value);
      start.size += value.length;
    }
  }
  return start;
}

/** Text whose characters are all below 256, as one byte each. */
function latin1Bytes(text: string): Uint8Array {
  if (!/[\u0080-\uffff]/.test(text)) return encoder.encode(text); // ASCII: the native path
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let dateSecond = -1;
let dateText = "";

/** The `date` header's value now: the same text for a whole second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** Whether an answer with `status` has a body and so a length. */
function hasBody(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 304;
}

/** The status line and headers. */
function headBytes(response: Response, framing: ResponseFraming, body: BodyStart): Uint8Array {
  const status = response.status;
  const lines = [`HTTP/1.1 ${status} ${response.statusText || REASONS[status] || ""}`];
  for (const [name, value] of response.headers) {
    if (!OURS.has(name)) lines.push(`${name}: ${value}`);
  }
  if (!response.headers.has("date")) lines.push(`date: ${httpDate()}`);
  if (hasBody(status)) {
    if (body.reader === undefined) lines.push(`content-length: ${body.size}`);
    else if (framing.minor === 1 && !framing.head) lines.push("transfer-encoding: chunked");
  }
  if (!framing.keepAlive) lines.push("connection: close");
  else if (framing.minor === 0) lines.push("connection: keep-alive");
  return latin1Bytes(`${lines.join("\r\n")}\r\n\r\n`);
}

/** Streams the rest of a long body, chunked (or raw for HTTP/1.0). */
async function streamRest(
  connection: Http1Connection,
  body: BodyStart,
  framing: ResponseFraming,
): Promise<void> {
  const encoder = new TextEncoder();
  const send = (chunk: Uint8Array) =>
    framing.minor === 0 ? chunk : concatBytes(
      concatBytes(encoder.encode(`${chunk.length.toString(16)}\r\n`), chunk),
      encoder.encode("\r\n"),
    );
  for (const chunk of body.chunks) {
    if (chunk.length > 0) await connection.write(send(chunk), performance.now() + framing.idleMs);
  }
  for (;;) {
    const { value, done } = await body.reader!.read();
    if (done) break;
    if (value.length > 0) await connection.write(send(value), performance.now() + framing.idleMs);
  }
  if (framing.minor === 1) {
    await connection.write(encoder.encode("0\r\n\r\n"), performance.now() + framing.idleMs);
  }
}

/** Writes a {@linkcode PlainAnswer}, head and body in one write. */
async function writePlain(
  connection: Http1Connection,
  answer: PlainAnswer,
  framing: ResponseFraming,
): Promise<boolean> {
  const { status } = answer;
  const sized = hasBody(status);
  const connectionLine = !framing.keepAlive
    ? "connection: close\r\n"
    : framing.minor === 0
    ? "connection: keep-alive\r\n"
    : "";
  const head = latin1Bytes(
    `HTTP/1.1 ${status} ${REASONS[status] ?? ""}\r\n${answer.headerLines}date: ${httpDate()}\r\n` +
      `${sized ? `content-length: ${answer.body.length}\r\n` : ""}${connectionLine}\r\n`,
  );
  const bytes = framing.head || !sized ? head : concatBytes(head, answer.body);
  await connection.write(bytes, performance.now() + framing.idleMs);
  return framing.keepAlive;
}

/**
 * Writes `answer` (a `Response` or a {@linkcode PlainAnswer}) and returns
 * whether the connection may be kept (a `Response` body of unknown length
 * over HTTP/1.0 is ended by closing it).
 *
 * @throws {HttpError} 408 when the client takes no byte within `idleMs`;
 * whatever the connection or the response body throws.
 */
export function writeAnswer(
  connection: Http1Connection,
  answer: Http1Answer,
  framing: ResponseFraming,
): Promise<boolean> {
  return answer instanceof Response
    ? writeResponse(connection, answer, framing)
    : writePlain(connection, answer, framing);
}

/**
 * Writes `response` and returns whether the connection may be kept (a
 * body of unknown length over HTTP/1.0 is ended by closing it).
 *
 * @throws {HttpError} 408 when the client takes no byte within `idleMs`;
 * whatever the connection or the response body throws.
 */
export async function writeResponse(
  connection: Http1Connection,
  response: Response,
  framing: ResponseFraming,
): Promise<boolean> {
  const body = await readStart(response.body);
  const keepAlive = framing.keepAlive && (body.reader === undefined || framing.minor === 1);
  const sent = { ...framing, keepAlive };
  const head = headBytes(response, sent, body);
  if (body.reader === undefined || framing.head) {
    await body.reader?.cancel();
    const bytes = framing.head ? head : body.chunks.reduce(concatBytes, head);
    await connection.write(bytes, performance.now() + framing.idleMs);
    return keepAlive;
  }
  await connection.write(head, performance.now() + framing.idleMs);
  await streamRest(connection, body, sent);
  return keepAlive;
}
