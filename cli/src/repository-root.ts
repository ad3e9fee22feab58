import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The repository a command works in: the nearest folder up from `cwd` holding `.capstan` or `.git`. */
export function findRepository(cwd: string): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, ".capstan")) || existsSync(join(dir, ".git"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(cwd);
    dir = parent;
  }
}
