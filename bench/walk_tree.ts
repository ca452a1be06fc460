/**
 * The scan benchmark's baseline: a bare walk of a projects folder, listing
 * each folder and `lstat`-ing each file in it, nothing else.
 *
 * `deno run -A bench/walk_tree.ts ROOT` prints how many files it saw.
 *
 * @module
 */

const [root] = Deno.args;
if (root === undefined) throw new TypeError("Cannot walk: no folder given");
let files = 0;
for (const folder of Deno.readDirSync(root)) {
  if (!folder.isDirectory) continue;
  for (const entry of Deno.readDirSync(`${root}/${folder.name}`)) {
    if (Deno.lstatSync(`${root}/${folder.name}/${entry.name}`).isFile) files++;
  }
}
console.log(files);
