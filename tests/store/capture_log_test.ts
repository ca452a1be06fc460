import { assertEquals } from "../_assert.ts";
import { formatCaptureLogRow } from "../../lib/store/capture_log.ts";

Deno.test("formatCaptureLogRow() stamps the row and turns TAB, CR, LF and NUL in the detail into spaces", () => {
  assertEquals(
    formatCaptureLogRow("ok", "a\tb\rc\nd\0e", new Date(0)),
    "1970-01-01T00:00:00Z\tok\ta b c d e",
  );
});
