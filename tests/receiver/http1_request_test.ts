import { assertEquals } from "../_assert.ts";
import type { Http1Connection } from "../../lib/receiver/_http1_connection.ts";
import { parseRequestHead } from "../../lib/receiver/_http1_head.ts";
import { Http1Request, pathOf } from "../../lib/receiver/_http1_request.ts";
import { openRequestBody } from "../../lib/receiver/_request_body.ts";

Deno.test("Http1Request reads the path without its query, the full URL, and a repeated header joined", () => {
  const head = parseRequestHead(
    new TextEncoder().encode("GET /a?b HTTP/1.1\r\nHost: h\r\nX-Y: 1\r\nx-y: 2"),
  );
  const body = openRequestBody({} as Http1Connection, head.body, false, 1000);
  const request = new Http1Request(head, "http://h", body);
  assertEquals([request.path, request.url, request.header("X-Y"), request.body], [
    "/a",
    "http://h/a?b",
    "1, 2",
    null,
  ]);
});

Deno.test("pathOf() takes the path of an origin or absolute target, without its query, and / for none", () => {
  assertEquals([pathOf("/a/b?c"), pathOf("http://h:1/x?y"), pathOf("http://h")], [
    "/a/b",
    "/x",
    "/",
  ]);
});
