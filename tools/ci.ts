/**
 * The offline CI gate: `deno task ci`.
 *
 * Runs fmt, lint, type check, doc lint, a publish dry run and the tests (with
 * doc tests and a JUnit report), then prints one closing line
 * `N passed, N failed` that counts every test case and every gate step.
 *
 * @module
 */

const deno = Deno.execPath();
const junit = ".junit/report.xml";

const steps: [string, string[]][] = [
  ["fmt", ["fmt", "--check"]],
  ["lint", ["lint"]],
  ["check", ["check", "mod.ts", "cli.ts", "lib/", "tests/", "bench/", "tools/"]],
  ["doc-lint", ["doc", "--lint", "mod.ts", "cli.ts"]],
  ["publish-dry-run", ["publish", "--dry-run", "--allow-dirty"]],
  ["test", ["test", "-A", "--doc", `--junit-path=${junit}`]],
];

let stepsPassed = 0;
let stepsFailed = 0;
for (const [name, args] of steps) {
  console.log(`\n== ${name}: deno ${args.join(" ")}`);
  const { code } = await new Deno.Command(deno, { args, stdout: "inherit", stderr: "inherit" })
    .output();
  if (code === 0) stepsPassed++;
  else stepsFailed++;
  console.log(`== ${name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`}`);
}

/** Counts test cases in a JUnit report: [passed, failed, skipped]. */
function countJunit(xml: string): [number, number, number] {
  let passed = 0, failed = 0, skipped = 0;
  for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = match[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) skipped++;
    else passed++;
  }
  return [passed, failed, skipped];
}

let report = "";
try {
  report = await Deno.readTextFile(junit);
} catch {
  console.log(`no JUnit report at ${junit}`);
}
const [passed, failed, skipped] = countJunit(report);
if (passed + failed === 0) stepsFailed++; // a gate that ran no test has failed
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
console.log(`gate steps: ${stepsPassed} of ${steps.length} ok`);
console.log(`${passed + stepsPassed} passed, ${failed + stepsFailed} failed`);
Deno.exitCode = failed + stepsFailed === 0 ? 0 : 1;
