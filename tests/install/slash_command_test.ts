import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { formatDiff } from "../../lib/install/diff.ts";
import { formatInstallRecord, parseInstallRecord } from "../../lib/install/_install_record.ts";
import { slashCommandOwner, slashCommandText } from "../../lib/install/_slash_command.ts";

/** The front matter of a command file as key → raw value. */
function frontMatter(text: string): Map<string, string> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  assert(match !== null, "no front matter");
  return new Map(
    match[1]!.split("\n").map((line) => {
      const colon = line.indexOf(": ");
      return [line.slice(0, colon), line.slice(colon + 2)];
    }),
  );
}

Deno.test("slashCommandText() front matter: description, no model invocation, only our mark-private allowed", () => {
  const text = slashCommandText("agnes-sessions");
  const matter = frontMatter(text);
  assertEquals([...matter.keys()], ["description", "disable-model-invocation", "allowed-tools"]);
  assertEquals(matter.get("disable-model-invocation"), "true");
  assertEquals(matter.get("allowed-tools"), "Bash(agnes-sessions mark-private:*)");
  assertMatch(
    text,
    /^!`agnes-sessions mark-private "\$\{CLAUDE_SESSION_ID\}" --workspace "\$\{CLAUDE_PROJECT_DIR\}"`$/m,
  );
  assertMatch(text, /one short line/);
});

Deno.test("slashCommandText() quotes an allowed-tools value YAML would misread", () => {
  const matter = frontMatter(slashCommandText('deno run -A "/My Tools: x/cli.ts"'));
  assertEquals(
    JSON.parse(matter.get("allowed-tools")!),
    'Bash(deno run -A "/My Tools: x/cli.ts" mark-private:*)',
  );
});

Deno.test("slashCommandOwner() tells ours (any recognised prefix), modified, Python's and foreign apart", () => {
  const old = "/old/agnes-sessions";
  const now = "agnes-sessions";
  assertEquals(slashCommandOwner(slashCommandText(old), [now, old]), "ours");
  assertEquals(slashCommandOwner(slashCommandText(old), [now]), "foreign");
  assertEquals(
    slashCommandOwner(slashCommandText(now).replace("one short line", "a poem"), [now]),
    "modified",
  );
  const python =
    "---\ndescription: Mark private\ndisable-model-invocation: true\n---\n\n!`agnes mark-private`\n";
  assertEquals(slashCommandOwner(python, [now]), "python");
});

Deno.test("the install record round-trips, holds no time stamp, and is absent when empty", () => {
  const record = {
    local: { command: "agnes-sessions", createdSettings: true },
    project: {
      command: "deno run -A jsr:@agnes/sessions",
      createdSettings: false,
      statusLineBackup: { type: "command", command: "~/bin/status" },
    },
  };
  const text = formatInstallRecord(record)!;
  assertEquals(parseInstallRecord(text), record);
  assert(!/\d{4}-\d{2}-\d{2}/.test(text), text);
  assertEquals(formatInstallRecord({}), undefined);
});

Deno.test("parseInstallRecord() reads a missing or garbled record as empty", () => {
  assertEquals(parseInstallRecord(undefined), {});
  assertEquals(parseInstallRecord("garbage"), {});
  assertEquals(parseInstallRecord('{"local": {"command": 7}}'), {});
});

Deno.test("formatDiff() shows a new file, a removed file and a change in context", () => {
  assertEquals(formatDiff("/f", undefined, "a\n"), "--- (no file)\n+++ /f\n@@ -0,0 +1,1 @@\n+a");
  assertEquals(formatDiff("/f", "a\n", undefined), "--- /f\n+++ (removed)\n@@ -1,1 +0,0 @@\n-a");
  const before = "1\n2\n3\n4\n5\n6\n7\n8\n";
  const after = "1\n2\n3\n4\nfive\n6\n7\n8\n";
  assertEquals(
    formatDiff("/f", before, after),
    "--- /f\n+++ /f\n@@ -3,5 +3,5 @@\n 3\n 4\n-5\n+five\n 6\n 7",
  );
});
