import { assertEquals, assertThrows } from "../_assert.ts";
import {
  addToken,
  addTokensFromEnv,
  addTokensFromFile,
  parseTokenPair,
} from "../../lib/receiver/receiver_tokens.ts";

Deno.test("parseTokenPair() splits at the last = before the user, so a token may end in =", () => {
  assertEquals(parseTokenPair("dG9r==alice"), ["dG9r=", "alice"]);
  assertEquals(parseTokenPair("alice"), undefined);
});

Deno.test("addToken() takes the same pair twice and refuses one token for two users", () => {
  const tokens = new Map<string, string>();
  addToken(tokens, "t", "alice");
  addToken(tokens, "t", "alice");
  assertThrows(() => addToken(tokens, "t", "bob"), TypeError);
  assertEquals(tokens, new Map([["t", "alice"]]));
});

Deno.test("addTokensFromEnv() skips spaces and an empty last item, and refuses an item with no =", () => {
  const tokens = new Map<string, string>();
  addTokensFromEnv(tokens, "AGNES_SERVE_TOKENS", "tok1=alice, tok2=bob,");
  assertEquals(tokens, new Map([["tok1", "alice"], ["tok2", "bob"]]));
  assertThrows(() => addTokensFromEnv(tokens, "AGNES_SERVE_TOKENS", "tok3"), TypeError);
});

Deno.test("addTokensFromFile() skips comments and blank lines and takes CRLF line ends", async () => {
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(path, "# who may upload\ntok1=alice\r\n\ntok2=bob\n");
    const tokens = new Map<string, string>();
    addTokensFromFile(tokens, path);
    assertEquals(tokens, new Map([["tok1", "alice"], ["tok2", "bob"]]));
  } finally {
    await Deno.remove(path);
  }
});
