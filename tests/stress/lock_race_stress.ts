import { assertEquals } from "../_assert.ts";
import { tempWorkspace } from "../_helpers.ts";
import { plantStaleLock, spawnContender } from "../_lock_helpers.ts";
import { scaled } from "./_scale.ts";

const CONTENDERS = 8;
const ROUNDS = scaled(10, 3);

Deno.test(`acquireLock() from ${CONTENDERS} processes racing to break stale locks, ${ROUNDS} rounds: never two holders at once`, async () => {
  await using workspace = await tempWorkspace();
  const path = `${workspace.root}/race.lock`;
  let acquisitions = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await plantStaleLock(path);
    const children = Array.from(
      { length: CONTENDERS },
      () => spawnContender(["race", path, workspace.root]),
    );
    const outputs = await Promise.all(children.map((child) => child.output()));
    for (const output of outputs) {
      assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
      assertEquals(new TextDecoder().decode(output.stdout), "", "two holders at once");
      acquisitions++;
    }
  }
  assertEquals(acquisitions, CONTENDERS * ROUNDS); // every contender got the lock, each time by breaking a stale one
});
