import { assertEquals } from "../_assert.ts";
import { newLockOwner, parseLockOwner } from "../../lib/lock/owner_record.ts";

Deno.test("parseLockOwner() reads a complete record, and gives undefined for an empty or half-written one", () => {
  const owner = newLockOwner("push");
  assertEquals(parseLockOwner(JSON.stringify(owner) + "\n"), owner);
  assertEquals(parseLockOwner(""), undefined); // the Python tool's empty lock file
  assertEquals(parseLockOwner('{"pid": 1'), undefined); // a holder still writing
  assertEquals(parseLockOwner(JSON.stringify({ ...owner, purpose: undefined })), undefined);
});
