import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ArtifactStore } from "./artifact-store.js";

type Client = import("@actions/artifact").ArtifactClient;

/** GitHub Actions artifacts of the current run, through @actions/artifact (loaded only when used). */
export class ActionsArtifactStore implements ArtifactStore {
  private client?: Promise<Client>;

  constructor(private readonly tempDir: string = process.env.RUNNER_TEMP ?? tmpdir()) {}

  private get(): Promise<Client> {
    this.client ??= import("@actions/artifact").then((m) => new m.DefaultArtifactClient());
    return this.client;
  }

  async upload(name: string, fileName: string, content: string): Promise<void> {
    const dir = await mkdtemp(join(this.tempDir, "capstan-up-"));
    await writeFile(join(dir, fileName), content);
    // Journals are small and short-lived: keep them for a week, uncompressed is fine.
    await (await this.get()).uploadArtifact(name, [join(dir, fileName)], dir, { retentionDays: 7 });
  }

  async list(): Promise<string[]> {
    const { artifacts } = await (await this.get()).listArtifacts({ latest: true });
    return artifacts.map((a) => a.name).sort();
  }

  async download(name: string, fileName: string): Promise<string> {
    const client = await this.get();
    const { artifacts } = await client.listArtifacts({ latest: true });
    const found = artifacts.find((a) => a.name === name);
    if (!found) throw new Error(`no artifact named '${name}' in this run`);
    const path = await mkdtemp(join(this.tempDir, "capstan-down-"));
    const { downloadPath } = await client.downloadArtifact(found.id, { path });
    return readFile(join(downloadPath ?? path, fileName), "utf8");
  }
}
