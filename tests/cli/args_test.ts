import { assertEquals } from "../_assert.ts";
import { parseCommandArgs } from "../../lib/cli/args.ts";

Deno.test("parseCommandArgs() reads string and boolean options and keeps the positionals", () => {
  const { values, positionals } = parseCommandArgs(
    ["--workspace", "/w", "--verbose", "x"],
    { workspace: "string", verbose: "boolean" },
  );
  assertEquals(values, { workspace: "/w", verbose: true });
  assertEquals(positionals, ["x"]);
});
