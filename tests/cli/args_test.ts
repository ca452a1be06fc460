import { assertEquals } from "../_assert.ts";
import { parseCommandArgs, UsageError } from "../../lib/cli/args.ts";

Deno.test("parseCommandArgs() reads string and boolean options and keeps the positionals", () => {
  const { values, positionals } = parseCommandArgs(
    ["--workspace", "/w", "--verbose", "x"],
    { workspace: "string", verbose: "boolean" },
  );
  assertEquals(values, { workspace: "/w", verbose: true });
  assertEquals(positionals, ["x"]);
});

Deno.test("UsageError is named UsageError, so a usage mistake reads as one in a stack trace", () => {
  assertEquals(new UsageError("Cannot parse --x: unknown option").name, "UsageError");
});
