import { assertEquals } from "../_assert.ts";
import { byteSearch, indexOfBytes, indexOfSequence } from "../../lib/receiver/_bytes.ts";

const encode = (text: string) => new TextEncoder().encode(text);

Deno.test("indexOfSequence() finds a short sequence at or after where the search starts, or -1", () => {
  const bytes = encode("a\rb\r\nc\r\n");
  assertEquals(indexOfSequence(bytes, new Uint8Array([13, 10])), 3);
  assertEquals(indexOfSequence(bytes, new Uint8Array([13, 10]), 4), 6);
  assertEquals(indexOfSequence(bytes, new Uint8Array([10, 10])), -1);
});

Deno.test("indexOfBytes() finds a long needle past near-matches, and -1 when only its start is there", () => {
  const delimiter = byteSearch(encode("\r\n--boundary"));
  assertEquals(indexOfBytes(encode("data\r\n--bound\r\n--boundary--"), delimiter), 13);
  assertEquals(indexOfBytes(encode("data\r\n--bounda"), delimiter), -1);
});

Deno.test("indexOfBytes() finds a needle whose last byte recurs inside it", () => {
  const search = byteSearch(new Uint8Array([1, 2, 1]));
  assertEquals(indexOfBytes(new Uint8Array([1, 2, 2, 1, 2, 1]), search), 3);
});
