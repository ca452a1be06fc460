/** The `@std/assert` names the tests use, on top of `node:assert/strict` (jsr.io is unreachable). */

import * as node from "node:assert/strict";

export const assert: (value: unknown, message?: string) => asserts value = node.ok;
export const assertEquals: <T>(
  actual: unknown,
  expected: T,
  message?: string,
) => asserts actual is T = node.deepStrictEqual;
export const assertNotEquals = node.notDeepStrictEqual;
export const assertMatch = (actual: string, pattern: RegExp, message?: string): void =>
  node.match(actual, pattern, message);
export const assertStringIncludes = (actual: string, expected: string): void =>
  node.ok(
    actual.includes(expected),
    `expected ${JSON.stringify(actual)} to include ${JSON.stringify(expected)}`,
  );

/** Asserts that `fn` throws an instance of `ErrorClass`, and returns the error. */
export function assertThrows(
  fn: () => unknown,
  ErrorClass: new (...args: never[]) => Error,
): Error {
  try {
    fn();
  } catch (error) {
    node.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error}`);
    return error;
  }
  throw new node.AssertionError({ message: "expected the function to throw" });
}

/** Asserts that `fn` rejects, with an instance of `ErrorClass` when given. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  ErrorClass?: new (...args: never[]) => Error,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    if (ErrorClass !== undefined) {
      node.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error}`);
    }
    return error as Error;
  }
  throw new node.AssertionError({ message: "expected the promise to reject" });
}
