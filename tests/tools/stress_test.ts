import { assertEquals } from "../_assert.ts";
import { parseCountsLine, summaryLine } from "../../tools/stress.ts";

Deno.test("parseCountsLine() takes a scenario's JSON counts line, colored or not, and nothing else", () => {
  const line = '{"scenario":"push_kill","lost":0,"kills":3,"ms":1200}';
  assertEquals(parseCountsLine(line), { scenario: "push_kill", lost: 0, kills: 3, ms: 1200 });
  assertEquals(parseCountsLine(`\x1b[0m${line}  `)?.scenario, "push_kill");
  assertEquals(parseCountsLine('{"lost":0}'), undefined);
  assertEquals(parseCountsLine('{"scenario":"x", torn'), undefined);
  assertEquals(parseCountsLine("push_kill ... ok (6s)"), undefined);
});

Deno.test("summaryLine() adds up every count across the scenarios, a missing one as 0", () => {
  const lines = [
    {
      scenario: "a",
      lost: 0,
      torn: 1,
      duplicates: 2,
      overlaps: 0,
      kills: 5,
      leftovers: 0,
      ms: 1500,
    },
    { scenario: "b", lost: 1, duplicates: 1, kills: 7, ms: 2600, seed: 9 },
  ];
  assertEquals(
    summaryLine(lines),
    "stress: 2 scenarios, lost 1, torn 1, duplicates 3, overlaps 0, kills 12, leftovers 0, 4.1 s in scenarios",
  );
  assertEquals(
    summaryLine([]),
    "stress: 0 scenarios, lost 0, torn 0, duplicates 0, overlaps 0, kills 0, leftovers 0, 0.0 s in scenarios",
  );
});
