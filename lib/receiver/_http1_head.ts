/**
 * Reading an HTTP/1.1 request head (RFC 9112): where it ends in the bytes
 * received, and what it says: method, target, headers, and how the body is
 * framed. Strict wherever leniency would let one request be read as two
 * (request smuggling): a head with both `Transfer-Encoding` and
 * `Content-Length`, conflicting lengths, a transfer coding other than
 * `chunked`, a folded line, whitespace before a colon, or a control
 * character is refused with 400.
 *
 * @module
 */

import { HttpError } from "./_http1_error.ts";

/** The largest request head, in bytes: larger is answered 431. */
export const MAX_HEAD_BYTES = 16 * 1024;

/** The most header lines in a request head: more is answered 431. */
export const MAX_HEADER_LINES = 100;

/** How a request body is framed. */
export type BodyFraming =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" };

/** What a request head says. */
export interface RequestHead {
  /** The method, as sent (case-sensitive). */
  method: string;
  /** The request target: `/path?query`, or an absolute URL. */
  target: string;
  /** The minor version: 1 for HTTP/1.1, 0 for HTTP/1.0. */
  minor: 0 | 1;
  /** The header fields, as sent: name and value (trimmed) of each line. */
  headers: [string, string][];
  /** How the body is framed. */
  body: BodyFraming;
  /** Whether the client asks to keep the connection open afterwards. */
  keepAlive: boolean;
  /** Whether the client waits for `100 Continue` before sending the body. */
  expectContinue: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REQUEST_LINE = /^([^ ]+) ([\x21-\x7e]+) HTTP\/(\d)\.(\d)$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The index of the empty line (`CRLF CRLF`) that ends a head in `bytes`,
 * searching from `from`; -1 when it has not arrived yet.
 */
export function findHeadEnd(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(13, from); i !== -1; i = bytes.indexOf(13, i + 1)) {
    if (i + 3 >= bytes.length) return -1;
    if (bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

const ascii = new TextDecoder();

/** `bytes` as ISO-8859-1 text: one character per byte, as header fields are. */
function latin1(bytes: Uint8Array): string {
  const text = ascii.decode(bytes);
  if (!/[\u0080-\uffff]/.test(text)) return text; // all ASCII: the usual case, and the fast one
  let slow = "";
  for (let at = 0; at < bytes.length; at += 4096) {
    slow += String.fromCharCode(...bytes.subarray(at, at + 4096));
  }
  return slow;
}

function badRequest(problem: string): HttpError {
  return new HttpError(400, `Cannot read request head: ${problem}`);
}

/** The header fields that decide how a request is read, gathered while parsing. */
interface FramingFields {
  hosts: number;
  transferEncoding: string[];
  contentLength: string[];
  connection: string[];
  expect: string | undefined;
}

/** The comma-separated, lower-cased items of a field value. */
function itemsOf(value: string): string[] {
  return value.toLowerCase().split(",").map((item) => item.trim());
}

/** Notes a header that decides how the request is read. */
function noteField(fields: FramingFields, name: string, value: string): void {
  switch (name.toLowerCase()) {
    case "host":
      fields.hosts++;
      break;
    case "transfer-encoding":
      fields.transferEncoding.push(...itemsOf(value));
      break;
    case "content-length":
      fields.contentLength.push(...itemsOf(value));
      break;
    case "connection":
      fields.connection.push(...itemsOf(value));
      break;
    case "expect":
      fields.expect = value.toLowerCase();
  }
}

/** The header lines of a head, as pairs; the fields that frame the request are noted. */
function parseFields(lines: string[], fields: FramingFields): [string, string][] {
  if (lines.length > MAX_HEADER_LINES) {
    throw new HttpError(
      431,
      `Cannot read request head: more than ${MAX_HEADER_LINES} header lines`,
    );
  }
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) throw badRequest("a header line is malformed");
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!FIELD_VALUE.test(value)) throw badRequest(`header "${name}" holds a control character`);
    noteField(fields, name, value);
    headers.push([name, value]);
  }
  return headers;
}

/** How the body is framed (RFC 9112 §6.3), refusing anything ambiguous. */
function framingOf(fields: FramingFields, minor: 0 | 1): BodyFraming {
  const codings = fields.transferEncoding;
  const lengths = fields.contentLength;
  if (codings.length > 0) {
    if (lengths.length > 0) throw badRequest("both Transfer-Encoding and Content-Length");
    if (minor === 0) throw badRequest("Transfer-Encoding in an HTTP/1.0 request");
    if (codings.at(-1) !== "chunked") throw badRequest("the last transfer coding is not chunked");
    if (codings.length > 1) {
      throw new HttpError(
        501,
        "Cannot read request body: only the chunked transfer coding is known",
      );
    }
    return { kind: "chunked" };
  }
  if (lengths.length === 0) return { kind: "none" };
  if (!lengths.every((length) => /^\d{1,15}$/.test(length) && length === lengths[0])) {
    throw badRequest("Content-Length is not one decimal number");
  }
  const length = Number(lengths[0]);
  return length === 0 ? { kind: "none" } : { kind: "length", length };
}

/**
 * Parses a request head: the bytes before the empty line that ends it.
 *
 * @throws {HttpError} 400 for a malformed or ambiguous head, 417 for an
 * expectation other than `100-continue`, 431 for too many header lines, 501
 * for a transfer coding other than `chunked`, 505 for a version other than
 * HTTP/1.0 or HTTP/1.1.
 */
export function parseRequestHead(bytes: Uint8Array): RequestHead {
  const [requestLine = "", ...lines] = latin1(bytes).split("\r\n");
  if (/[\r\n\0]/.test(requestLine) || lines.some((line) => /[\r\n\0]/.test(line))) {
    throw badRequest("a bare CR, LF or NUL");
  }
  const match = REQUEST_LINE.exec(requestLine);
  if (match === null || !TOKEN.test(match[1]!)) throw badRequest("the request line is malformed");
  if (match[3] !== "1" || (match[4] !== "0" && match[4] !== "1")) {
    throw new HttpError(
      505,
      `Cannot read request head: HTTP/${match[3]}.${match[4]} is not served`,
    );
  }
  const minor = match[4] === "1" ? 1 : 0;
  const fields: FramingFields = {
    hosts: 0,
    transferEncoding: [],
    contentLength: [],
    connection: [],
    expect: undefined,
  };
  const headers = parseFields(lines, fields);
  if (fields.hosts > 1 || (minor === 1 && fields.hosts === 0)) {
    throw badRequest("not exactly one Host header");
  }
  const { connection, expect } = fields;
  if (expect !== undefined && expect !== "100-continue" && minor === 1) {
    throw new HttpError(417, `Cannot meet expectation "${expect}"`);
  }
  return {
    method: match[1]!,
    target: match[2]!,
    minor,
    headers,
    body: framingOf(fields, minor),
    keepAlive: minor === 1 ? !connection.includes("close") : connection.includes("keep-alive"),
    expectContinue: minor === 1 && expect === "100-continue",
  };
}
