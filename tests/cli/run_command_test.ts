import { assertEquals } from "../_assert.ts";
import { runCommand } from "../../lib/cli/run_command.ts";

Deno.test("runCommand() returns 0 for a hook whose run fails", async () => {
  const failing = { help: "Usage: x", run: () => Promise.reject(new Error("no")) };
  assertEquals(await runCommand("x", failing, [], true), 0);
});
