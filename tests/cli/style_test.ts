import { assertEquals } from "../_assert.ts";
import { colourFor, formatCount, paint } from "../../lib/cli/style.ts";

Deno.test("colourFor() is off for a stream that is not a terminal", () => {
  assertEquals(colourFor({ isTerminal: () => false }), false);
});

Deno.test("paint() wraps the text in the style's codes only when enabled", () => {
  assertEquals(paint("warn", "yellow", true), "\x1b[33mwarn\x1b[39m");
  assertEquals(paint("warn", "yellow", false), "warn");
});

Deno.test("formatCount() puts the noun in the plural for any count but 1", () => {
  assertEquals(
    [formatCount(1, "session"), formatCount(0, "session"), formatCount(2, "file")],
    ["1 session", "0 sessions", "2 files"],
  );
});
