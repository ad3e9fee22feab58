import { createHash } from "node:crypto";
import type { ArtifactStore } from "./artifact-store.js";
import { getBlob, putBlob } from "./blob-client.js";
import type { HttpHooks, RetryPolicy } from "./http-retry.js";
import { urlSignature } from "./redact.js";
import { type ListedArtifact, ResultsClient } from "./results-client.js";
import { type BackendIds, backendIdsFromToken } from "./results-token.js";
import { readZip } from "./zip-reader.js";
import { writeZip } from "./zip-writer.js";

/** Defaults close to GitHub's own client: 5 tries, 3 s then 1.5 times longer each. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 3000,
  maxDelayMs: 30_000,
  timeoutMs: 60_000,
};

const ZIP = "application/zip";
// The characters GitHub refuses in artifact names (NTFS limits), as its own client checks them.
const INVALID_NAME = /["':<>|*?\r\n\\/]/;

/** Options of the store; everything but `env` is for tests or log wiring. */
export interface ResultsStoreOptions extends HttpHooks {
  /** Reads ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL and GITHUB_RETENTION_DAYS. */
  env: NodeJS.ProcessEnv;
  /** Registers a value the log must hide (the signatures of signed URLs). */
  mask?: (secret: string) => void;
  retry?: Partial<RetryPolicy>;
  /** Days to keep artifacts (capped by the repository's GITHUB_RETENTION_DAYS); default 7. */
  retentionDays?: number;
  now?: () => Date;
}

/** The newest artifact of each name: re-run attempts can leave several, the highest id is the latest. */
export function latestByName(artifacts: readonly ListedArtifact[]): ListedArtifact[] {
  const latest = new Map<string, ListedArtifact>();
  for (const a of artifacts) {
    const seen = latest.get(a.name);
    if (!seen || BigInt(a.id) > BigInt(seen.id)) latest.set(a.name, a);
  }
  return [...latest.values()];
}

/**
 * Artifacts of the current workflow run through GitHub's Results service (what actions/upload-artifact
 * v4+ uses): each artifact is a zip holding one file, so it downloads and opens as any other artifact.
 */
export class ResultsArtifactStore implements ArtifactStore {
  private readonly policy: RetryPolicy;
  private connection?: { client: ResultsClient; ids: BackendIds };

  constructor(private readonly options: ResultsStoreOptions) {
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Reads the runner's variables on first use, so jobs that never touch artifacts need none. */
  private connect(): { client: ResultsClient; ids: BackendIds } {
    if (this.connection) return this.connection;
    const { ACTIONS_RUNTIME_TOKEN: token, ACTIONS_RESULTS_URL: resultsUrl } = this.options.env;
    if (!token || !resultsUrl)
      throw new Error(
        "ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set: GitHub artifacts need a GitHub-hosted " +
          "or self-hosted runner on github.com or GHE.com (set CAPSTAN_ARTIFACT_DIR to use a folder instead)",
      );
    const ids = backendIdsFromToken(token);
    this.connection = { client: new ResultsClient({ resultsUrl, token }, this.policy, this.options), ids };
    return this.connection;
  }

  private expiry(): Date {
    const cap = Number(this.options.env.GITHUB_RETENTION_DAYS);
    const wanted = this.options.retentionDays ?? 7;
    const days = Number.isInteger(cap) && cap > 0 ? Math.min(cap, wanted) : wanted;
    const at = this.options.now?.() ?? new Date();
    return new Date(at.getTime() + days * 86_400_000);
  }

  private signed(url: string): string {
    const sig = urlSignature(url);
    if (sig && this.options.mask) {
      this.options.mask(sig);
      this.options.mask(encodeURIComponent(sig));
    }
    return url;
  }

  async upload(name: string, fileName: string, content: string): Promise<void> {
    if (!name || INVALID_NAME.test(name)) throw new Error(`invalid artifact name '${name}'`);
    const { client, ids } = this.connect();
    const zip = writeZip([{ name: fileName, data: Buffer.from(content, "utf8") }], this.options.now?.());
    const digest = `sha256:${createHash("sha256").update(zip).digest("hex")}`;
    const uploadUrl = this.signed(await client.createArtifact(ids, name, ZIP, this.expiry()));
    await putBlob(uploadUrl, zip, ZIP, this.policy, this.options);
    const id = await client.finalizeArtifact(ids, name, zip.length, digest);
    this.options.log?.(`artifact ${name} uploaded (id ${id}, ${zip.length} bytes, ${digest})`);
  }

  async list(): Promise<string[]> {
    const { client, ids } = this.connect();
    return latestByName(await client.listArtifacts(ids))
      .map((a) => a.name)
      .sort();
  }

  async download(name: string, fileName: string): Promise<string> {
    const { client, ids } = this.connect();
    const [found] = latestByName(await client.listArtifacts(ids, { name }));
    if (!found) throw new Error(`no artifact named '${name}' in this run`);
    // The URL is asked with the ids of the job that uploaded it, as the service files it under them.
    const url = this.signed(await client.signedArtifactUrl(found, name));
    const { data } = await getBlob(url, this.policy, this.options);
    const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
    if (found.digest && found.digest !== digest)
      throw new Error(
        `artifact '${name}' (id ${found.id}) is damaged: its digest is ${found.digest}, got ${digest}`,
      );
    const file = readZip(data).find((f) => f.name === fileName);
    if (!file) throw new Error(`artifact '${name}' has no file '${fileName}'`);
    return file.data.toString("utf8");
  }
}
