/**
 * The offline CI gate: `deno task ci`.
 *
 * Runs fmt, lint, type check, doc lint, a publish dry run, the tests (with
 * doc tests and a JUnit report), the stress scenarios at their reduced
 * size and the end-to-end scenarios on the real Claude Code (`tools/e2e.ts`,
 * which fails, saying why, when Claude Code cannot be installed), then prints
 * one closing line `N passed, N failed` that counts every test case and every
 * gate step.
 *
 * @module
 */

const deno = Deno.execPath();
const junit = ".junit/report.xml";
const stressJunit = ".junit/stress.xml";
const e2eJunit = ".junit/e2e.xml";

const steps: [string, string[], Record<string, string>?][] = [
  ["fmt", ["fmt", "--check"]],
  ["lint", ["lint"]],
  ["check", ["check", "mod.ts", "cli.ts", "lib/", "tests/", "bench/", "tools/"]],
  ["doc-lint", ["doc", "--lint", "mod.ts", "cli.ts"]],
  ["publish-dry-run", ["publish", "--dry-run", "--allow-dirty"]],
  ["test", ["test", "-A", "--doc", `--junit-path=${junit}`]],
  ["stress (reduced)", ["run", "-A", "tools/stress.ts", `--junit-path=${stressJunit}`], {
    STRESS_SCALE: "ci",
  }],
  ["e2e (Claude Code)", ["run", "-A", "tools/e2e.ts", `--junit-path=${e2eJunit}`]],
];

await Deno.remove(".junit", { recursive: true }).catch(() => {}); // no stale reports
let stepsPassed = 0;
let stepsFailed = 0;
for (const [name, args, env = {}] of steps) {
  console.log(`\n== ${name}: deno ${args.join(" ")}`);
  const { code } = await new Deno.Command(deno, { args, env, stdout: "inherit", stderr: "inherit" })
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

let [passed, failed, skipped] = [0, 0, 0];
for (const path of [junit, stressJunit, e2eJunit]) {
  try {
    const [p, f, s] = countJunit(await Deno.readTextFile(path));
    [passed, failed, skipped] = [passed + p, failed + f, skipped + s];
  } catch {
    console.log(`no JUnit report at ${path}`);
    stepsFailed++;
  }
}
if (passed + failed === 0) stepsFailed++; // a gate that ran no test has failed
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
console.log(`gate steps: ${stepsPassed} of ${steps.length} ok`);
console.log(`${passed + stepsPassed} passed, ${failed + stepsFailed} failed`);
Deno.exitCode = failed + stepsFailed === 0 ? 0 : 1;
