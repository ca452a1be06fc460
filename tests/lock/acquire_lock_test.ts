import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { readIfExists, tempWorkspace } from "../_helpers.ts";
import { acquireLock, LockTimeoutError, readLockOwner, withLock } from "../../mod.ts";

Deno.test("acquireLock() times out a second taker; release() clears the owner record and is idempotent", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  const held = await acquireLock(path, { purpose: "first" });
  assertEquals((await readLockOwner(path))?.pid, Deno.pid);
  const error = await assertRejects(() => acquireLock(path, { timeoutMs: 0 }), LockTimeoutError);
  assert(error.message.startsWith("Cannot take lock"));
  await assertRejects(() => acquireLock(path, { timeoutMs: 150 }), LockTimeoutError);
  await held.release();
  await held.release();
  assertEquals(await readLockOwner(path), undefined);
  assertEquals(await readIfExists(path), "");
  assertEquals(await withLock(path, () => "again", { timeoutMs: 0 }), "again");
});

Deno.test("acquireLock() writes an owner record naming pid, host, token, creation time and purpose", async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/x.lock`;
  await using held = await acquireLock(path, { purpose: "push" });
  const owner = await readLockOwner(path);
  assertEquals(owner, held.owner);
  assertEquals(owner?.purpose, "push");
  assertMatch(owner!.token, /^[0-9a-f]{32}$/);
  assertMatch(owner!.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assertEquals(owner!.pid, Deno.pid);
  assert(owner!.host !== "");
  const tokens = new Set<string>();
  for (let round = 0; round < 50; round++) {
    const again = await acquireLock(`${path}.${round}`);
    tokens.add(again.owner.token);
    await again.release();
  }
  assertEquals(tokens.size, 50);
});
