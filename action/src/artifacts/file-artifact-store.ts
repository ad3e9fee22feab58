import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ArtifactStore } from "./artifact-store.js";

const NAME = /^[^"':<>|*?\r\n\\/]+$/;

/**
 * Artifacts as folders under a directory (`CAPSTAN_ARTIFACT_DIR`), for the workflow simulator and
 * for running the action outside GitHub. Same rules as GitHub's: names are unique within a run.
 */
export class FileArtifactStore implements ArtifactStore {
  constructor(private readonly dir: string) {}

  async upload(name: string, fileName: string, content: string): Promise<void> {
    if (!NAME.test(name)) throw new Error(`invalid artifact name '${name}'`);
    const folder = join(this.dir, name);
    await mkdir(this.dir, { recursive: true });
    try {
      await mkdir(folder);
    } catch {
      throw new Error(`an artifact named '${name}' already exists in this run`);
    }
    await writeFile(join(folder, fileName), content);
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).sort();
    } catch {
      return [];
    }
  }

  async download(name: string, fileName: string): Promise<string> {
    return readFile(join(this.dir, name, fileName), "utf8");
  }
}
