import { assertEquals } from "../_assert.ts";
import { UsageError } from "../../lib/cli/args.ts";
import { errorExit, ReportedFailureError } from "../../lib/cli/exit_code.ts";

Deno.test("errorExit() gives 2 and a pointer to --help for a usage error, 1 for any other, 0 for a hook", () => {
  assertEquals(errorExit("push", new UsageError("Unknown option --x"), false), {
    code: 2,
    message: "agnes-sessions push: Unknown option --x. See 'agnes-sessions push --help'.",
  });
  assertEquals(errorExit("push", new Error("Cannot push: no token"), false).code, 1);
  assertEquals(errorExit("capture-session", new Error("disk full"), true), {
    code: 0,
    message: "",
  });
});

Deno.test("errorExit() of a ReportedFailureError exits 1 and prints nothing more", () => {
  assertEquals(errorExit("status", new ReportedFailureError(), false), { code: 1, message: "" });
});
