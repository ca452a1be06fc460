import { assertEquals, assertThrows } from "../_assert.ts";
import { HttpError } from "../../lib/receiver/_http1_error.ts";
import { findHeadEnd, MAX_HEADER_LINES, parseRequestHead } from "../../lib/receiver/_http1_head.ts";

const bytes = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

function statusOf(text: string): number | undefined {
  try {
    parseRequestHead(bytes(text));
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return error.status;
  }
}

Deno.test("parseRequestHead() keeps a header value's non-ASCII bytes as one character each", () => {
  const head = parseRequestHead(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xe9 \x80"));
  assertEquals(head.headers, [["Host", "a"], ["X-Name", "caf\xe9 \x80"]]);
});

Deno.test("parseRequestHead() takes a repeated equal Content-Length and refuses differing ones", () => {
  const head = parseRequestHead(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5"));
  assertEquals(head.body, { kind: "length", length: 5 });
  assertEquals(statusOf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6"), 400);
  assertEquals(statusOf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -5"), 400);
  assertEquals(statusOf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1e3"), 400);
});

Deno.test("parseRequestHead() keeps HTTP/1.0 connections only when asked, and HTTP/1.1 unless told to close", () => {
  const keep = (text: string) => parseRequestHead(bytes(text)).keepAlive;
  assertEquals(keep("GET / HTTP/1.0"), false);
  assertEquals(keep("GET / HTTP/1.0\r\nConnection: Keep-Alive"), true);
  assertEquals(keep("GET / HTTP/1.1\r\nHost: a"), true);
  assertEquals(keep("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close"), false);
});

Deno.test("parseRequestHead() answers 417 to an unknown expectation and 501 to a transfer coding besides chunked", () => {
  assertEquals(statusOf("POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok"), 417);
  assertEquals(statusOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked"), 501);
  assertEquals(statusOf("POST / HTTP/1.0\r\nTransfer-Encoding: chunked"), 400);
  assertEquals(
    parseRequestHead(
      bytes("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1"),
    )
      .expectContinue,
    true,
  );
});

Deno.test("parseRequestHead() answers 431 past the header line cap and 400 to a bare CR, LF or NUL", () => {
  const lines = (count: number) => "GET / HTTP/1.1\r\nHost: a" + "\r\nX: y".repeat(count - 1);
  assertEquals(statusOf(lines(MAX_HEADER_LINES)), undefined);
  assertEquals(statusOf(lines(MAX_HEADER_LINES + 1)), 431);
  for (
    const bad of [
      "GET / HTTP/1.1\r\nHost: a\nX: y",
      "GET / HTTP/1.1\r\nHost: a\rX",
      "GET /\0 HTTP/1.1\r\nHost: a",
    ]
  ) {
    assertEquals(statusOf(bad), 400, JSON.stringify(bad));
  }
  assertThrows(() => parseRequestHead(bytes("GET / HTTP/1.1\r\nHost: a\r\nX:\x01")), HttpError);
});

Deno.test("findHeadEnd() finds the empty line wherever a search resumes", () => {
  const text = bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  for (let from = 0; from <= 23; from++) assertEquals(findHeadEnd(text, from), 23);
  assertEquals(findHeadEnd(text.subarray(0, 26), 0), -1);
});
