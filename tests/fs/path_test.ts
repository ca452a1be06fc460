import { assertEquals } from "../_assert.ts";
import { baseName, dirName, isAbsolutePath, resolvePath } from "../../lib/fs/path.ts";

Deno.test("dirName() gives the folder part and keeps roots", () => {
  assertEquals(dirName("/w/.claude/agnes-sessions.txt"), "/w/.claude");
  assertEquals(dirName("/w/.claude/"), "/w");
  assertEquals(dirName("/x"), "/");
  assertEquals(dirName("C:\\w\\x.txt"), "C:\\w");
  assertEquals(dirName("C:\\x.txt"), "C:\\");
  assertEquals(dirName("x.txt"), ".");
  // A root is its own folder, so a walk up stops there instead of going on into ".".
  assertEquals([dirName("/"), dirName("C:\\"), dirName("\\")], ["/", "C:\\", "\\"]);
});

Deno.test("isAbsolutePath() takes POSIX, drive-letter and UNC paths whatever the platform", () => {
  assertEquals(isAbsolutePath("/home/me"), true);
  assertEquals(isAbsolutePath("C:\\Users\\me"), true);
  assertEquals(isAbsolutePath("C:/Users/me"), true);
  assertEquals(isAbsolutePath("\\\\server\\share"), true);
  assertEquals(isAbsolutePath("rel/path"), false);
});

Deno.test({
  name: "resolvePath() folds . and .. segments",
  ignore: Deno.build.os === "windows",
  fn: () => {
    assertEquals(resolvePath("/a/./b/../c"), "/a/c");
    assertEquals(resolvePath("/a//b/"), "/a/b");
    assertEquals(resolvePath("//a///./b/.."), "/a");
  },
});

Deno.test("baseName() gives the last segment by either separator, trailing ones ignored", () => {
  assertEquals(baseName("/a/b/s1.jsonl"), "s1.jsonl");
  assertEquals(baseName("C:\\a\\b\\"), "b");
  assertEquals(baseName("a\\/b/\\/"), "b");
});
