/**
 * What the stress scenarios check in a workspace once the storm is over:
 * locks left free, no temp files, rows whole.
 */

import { acquireLock, listSnapshots, type Workspace } from "../../mod.ts";
import { parseLockOwner } from "../../lib/lock/owner_record.ts";
import { isAlive } from "./_proc.ts";

/**
 * Problems with the lock at `path` once every process is done: it cannot be
 * taken at once, or its owner record names a live process, or holds
 * something that is not an owner record. An empty record (released) or one
 * naming a process that has exited (it died holding the lock, which the
 * kernel then dropped) is fine. Lock files are never removed, so a missing
 * file is fine too.
 */
export async function lockProblems(path: string): Promise<string[]> {
  let record: string;
  try {
    record = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const problems: string[] = [];
  if (record !== "") {
    const owner = parseLockOwner(record);
    if (owner === undefined) problems.push(`${path}: not an owner record: ${record.slice(0, 80)}`);
    else if (owner.pid !== Deno.pid && isAlive(owner.pid)) {
      problems.push(`${path}: held by live pid ${owner.pid} (${owner.purpose})`);
    }
  }
  try {
    const held = await acquireLock(path, { timeoutMs: 0, purpose: "stress-check" });
    await held.release();
  } catch (error) {
    problems.push(`${path}: cannot be taken: ${(error as Error).message}`);
  }
  return problems;
}

/** Every file under `dir` (recursively) whose name ends in `.tmp`. */
export function tempFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(folder)];
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (entry.name.endsWith(".tmp")) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** The lines of a file (without their `\n`), and whether its last line lacks one (torn). */
export async function linesOf(path: string): Promise<{ lines: string[]; tornEnd: boolean }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { lines: [], tornEnd: false };
    throw error;
  }
  const lines = text.split("\n");
  const last = lines.pop()!;
  if (last !== "") lines.push(last);
  return { lines, tornEnd: last !== "" };
}

/** The raw rows of the live queue and of every snapshot, with the count of files ending torn. */
export async function queuedLines(
  workspace: Workspace,
): Promise<{ lines: string[]; tornEnds: number }> {
  const files = [workspace.file("queue"), ...await listSnapshots(workspace)];
  const lines: string[] = [];
  let tornEnds = 0;
  for (const file of files) {
    const read = await linesOf(file);
    lines.push(...read.lines);
    if (read.tornEnd) tornEnds++;
  }
  return { lines, tornEnds };
}

/** How many times each item occurs beyond its first. */
export function extraOccurrences(items: Iterable<string>): number {
  const seen = new Set<string>();
  let extra = 0;
  for (const item of items) {
    if (seen.has(item)) extra++;
    else seen.add(item);
  }
  return extra;
}
