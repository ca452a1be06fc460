/**
 * The `/agnes-private` slash command, `W/.claude/commands/agnes-private.md`:
 * its text, and whose a file found there is (the Python tool writes its own).
 *
 * @module
 */

import { slashCommandPath } from "../claude/settings.ts";
import { pythonSubcommand } from "./commands.ts";

/** The slash command file of the workspace folder `root`. */
export function slashCommandFile(root: string): string {
  return slashCommandPath(root, "agnes-private");
}

/** Whose a slash command file is; `modified` is ours, changed since install wrote it. */
export type SlashCommandOwner = "ours" | "modified" | "python" | "foreign";

/** A YAML scalar: plain when that is unambiguous, else double-quoted. */
function yamlScalar(text: string): string {
  return /^[^\s"'#&*!|>%@`{[,\-?:][^#]*$/.test(text) && !text.includes(": ") && !/\s$/.test(text)
    ? text
    : JSON.stringify(text);
}

/** The file's text for `prefix`; its `!` line runs before Claude sees the prompt. */
export function slashCommandText(prefix: string): string {
  return `---
description: Mark this Claude Code session private (Agnes never uploads its transcript)
disable-model-invocation: true
allowed-tools: ${yamlScalar(`Bash(${prefix} mark-private:*)`)}
---

!\`${prefix} mark-private "\${CLAUDE_SESSION_ID}" --workspace "\${CLAUDE_PROJECT_DIR}"\`

The line above says whether this session is now marked private. Reply with one short line that
says so (or what went wrong), and do nothing else.
`;
}

/** Whose the slash command file with `text` is, given the `prefixes` recognised as ours. */
export function slashCommandOwner(
  text: string,
  prefixes: readonly string[],
): SlashCommandOwner {
  if (prefixes.some((prefix) => text === slashCommandText(prefix))) return "ours";
  // Ours changed by hand: it still runs our mark-private, quoted as the `!` line quotes it.
  if (prefixes.some((prefix) => text.includes(`\`${prefix} mark-private `))) return "modified";
  if (pythonSubcommand(text) === "mark-private") return "python";
  return "foreign";
}
