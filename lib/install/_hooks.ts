/**
 * Our SessionStart / SessionEnd entries in parsed settings, merged in and taken
 * out as pure functions. An entry (`{"hooks": [{"type": "command", …}]}`) is
 * ours when every hook in it runs one of our commands; ours are replaced in
 * place, never duplicated; every other entry (a mixed one too) and key is kept.
 *
 * @module
 */

import { isJsonObject, SESSION_HOOK_EVENTS, type SessionHookEvent } from "../claude/settings.ts";
import { ourSubcommand, SESSION_END_TIMEOUT_SECONDS } from "./commands.ts";
import { sameJson } from "./files.ts";

/** One hook install wants; `async`: Claude Code starts it and goes on without waiting. */
export interface HookSpec {
  event: SessionHookEvent;
  command: string;
  timeout?: number;
  async?: boolean;
}

/** What happened to one of our hooks. */
export interface HookChange extends HookSpec {
  /** `in-mixed-entry`: an entry that also runs foreign commands already runs it; left alone. */
  action: "added" | "updated" | "unchanged" | "in-mixed-entry" | "removed";
}

/** The new settings (the input is never changed), our hooks touched, the mixed entries kept. */
export interface HooksResult {
  settings: Record<string, unknown>;
  hooks: HookChange[];
  mixedKept: number;
}

/** The hooks install wants: capture at SessionStart; capture, then push, at SessionEnd. */
export function ourHookSpecs(prefix: string): HookSpec[] {
  const timeout = SESSION_END_TIMEOUT_SECONDS;
  return [
    { event: "SessionStart", command: `${prefix} capture-session` },
    { event: "SessionEnd", command: `${prefix} capture-session --push`, timeout, async: true },
  ];
}

/** The settings entry that runs `spec` (its `timeout` and `async` only when it sets them). */
function entryFor({ event: _event, ...hook }: HookSpec): Record<string, unknown> {
  return { hooks: [{ type: "command", ...hook }] };
}

/** The command strings of an entry's hooks (`undefined` for a hook without one). */
function commandsOf(entry: unknown): (string | undefined)[] {
  if (!isJsonObject(entry) || !Array.isArray(entry.hooks)) return [];
  return entry.hooks.map((hook) =>
    isJsonObject(hook) && typeof hook.command === "string" ? hook.command : undefined
  );
}

/** Whether every hook of `entry` runs one of our commands (`ours`), some do (`mixed`), or none. */
function entryKind(entry: unknown, prefixes: readonly string[]): "ours" | "mixed" | "foreign" {
  const commands = commandsOf(entry);
  const ours = commands.filter((command) =>
    command !== undefined && ourSubcommand(command, prefixes) !== undefined
  );
  return ours.length === 0 ? "foreign" : ours.length === commands.length ? "ours" : "mixed";
}

/** What is wrong with `settings.hooks` for an edit: not an object, or an event not an array. */
export function hooksShapeProblem(settings: Record<string, unknown>): string | undefined {
  const hooks = settings.hooks ?? {};
  if (!isJsonObject(hooks)) return 'its "hooks" is not an object';
  const event = SESSION_HOOK_EVENTS.find((event) =>
    hooks[event] !== undefined && !Array.isArray(hooks[event])
  );
  return event === undefined ? undefined : `its "hooks.${event}" is not an array`;
}

/**
 * Our entries in `settings` made what is `wanted`: per event, the wanted entry replaces ours in
 * place (however many) or is appended; ours of an event not wanted go, with emptied containers.
 * Checks nothing: see {@linkcode hooksShapeProblem}.
 */
export function editOurHooks(
  settings: Record<string, unknown>,
  wanted: readonly HookSpec[],
  prefixes: readonly string[],
): HooksResult {
  const hooks = { ...(settings.hooks ?? {}) as Record<string, unknown[] | undefined> };
  const changes: HookChange[] = [];
  let mixedKept = 0;
  for (const event of SESSION_HOOK_EVENTS) {
    const entries = hooks[event] ?? [];
    const kinds = entries.map((entry) => entryKind(entry, prefixes));
    const ours = entries.filter((_, index) => kinds[index] === "ours");
    const others = entries.filter((_, index) => kinds[index] !== "ours");
    const spec = wanted.find((spec) => spec.event === event);
    mixedKept += kinds.filter((kind) => kind === "mixed").length;
    if (spec === undefined) {
      if (ours.length === 0) continue;
      for (const command of ours.flatMap(commandsOf)) {
        changes.push({ event, command: command!, action: "removed" });
      }
      if (others.length === 0) delete hooks[event];
      else hooks[event] = others;
    } else if (ours.length === 0 && entries.some((e) => commandsOf(e).includes(spec.command))) {
      changes.push({ ...spec, action: "in-mixed-entry" });
    } else {
      const at = ours.length === 0 ? others.length : kinds.indexOf("ours");
      const entry = entryFor(spec);
      hooks[event] = [...others.slice(0, at), entry, ...others.slice(at)];
      const action = ours.length === 0
        ? "added"
        : ours.length === 1 && sameJson(ours[0], entry)
        ? "unchanged"
        : "updated";
      changes.push({ ...spec, action });
    }
  }
  const { hooks: _old, ...rest } = settings;
  const edited = Object.keys(hooks).length > 0 ? { ...settings, hooks } : rest;
  return { settings: changes.length === 0 ? settings : edited, hooks: changes, mixedKept };
}

/** Our hooks of `event` in `settings`, each with whether its entry mixes in foreign commands. */
export function findOurHooks(
  settings: Record<string, unknown>,
  event: SessionHookEvent,
  prefixes: readonly string[],
): { command: string; mixed: boolean }[] {
  return eventCommands(settings, event).flatMap(({ command, entry }) =>
    ourSubcommand(command, prefixes) === undefined
      ? []
      : [{ command, mixed: entryKind(entry, prefixes) !== "ours" }]
  );
}

/** Every hook command of `event` in `settings`, with its entry; skips what is malformed. */
export function eventCommands(
  settings: Record<string, unknown>,
  event: SessionHookEvent,
): { command: string; entry: unknown }[] {
  const hooks = settings.hooks;
  const entries = isJsonObject(hooks) && Array.isArray(hooks[event]) ? hooks[event] : [];
  return entries.flatMap((entry) =>
    commandsOf(entry).flatMap((command) => command === undefined ? [] : [{ command, entry }])
  );
}
