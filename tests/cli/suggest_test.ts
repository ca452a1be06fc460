import { assertEquals } from "../_assert.ts";
import { didYouMean } from "../../lib/cli/suggest.ts";

Deno.test("didYouMean() suggests a near command or option, and nothing for a word far from all", () => {
  assertEquals(didYouMean("pus", ["push", "status"]), "push");
  assertEquals(didYouMean("--jsno", ["--json", "--quiet"]), "--json");
  assertEquals(didYouMean("deploy", ["push", "status"]), undefined);
});
