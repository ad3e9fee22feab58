// Interoperability with GitHub's own artifact client: the real @actions/artifact DefaultArtifactClient
// (a test-only dependency; the action no longer bundles it) and Capstan's client share one double of
// the Results service and blob storage. What one uploads, the other lists and downloads. Both
// clients' requests are checked by the double against the proto-generated types.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ResultsArtifactStore } from "../../action/src/artifacts/results-artifact-store.js";
import { ArtifactServiceDouble, type DoubleJob } from "./artifact-service.js";

let double: ArtifactServiceDouble;
const saved = { ...process.env };
beforeAll(async () => {
  double = new ArtifactServiceDouble();
  await double.start();
});
afterAll(() => double.stop());
// GitHub's client writes its progress and `::debug::` lines to stdout: kept out of the test report.
beforeEach(() => {
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
  expect(double.problems).toEqual([]);
});

/** GitHub's client reads the runner's variables from process.env at each call. */
function asJob(job: DoubleJob): DefaultArtifactClient {
  process.env = {
    ...saved,
    ...job.env,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), "capstan-ws-")),
    ACTIONS_STEP_DEBUG: "false",
  };
  return new DefaultArtifactClient();
}

const ours = (job: DoubleJob) =>
  new ResultsArtifactStore({ env: job.env, retry: { attempts: 2, baseDelayMs: 5, timeoutMs: 5000 } });

const journal = JSON.stringify({
  job: "run",
  attempt: 1,
  events: [{ kind: "x", text: "é".repeat(500) }],
  commands: [],
});

describe("Capstan's artifact client and @actions/artifact on the same service", () => {
  it("uploads with Capstan; GitHub's client lists, checks the digest and extracts it", async () => {
    await ours(double.job("run")).upload("capstan-journal-run-a1", "journal.json", journal);

    const theirs = asJob(double.job("finalize"));
    const { artifacts } = await theirs.listArtifacts({ latest: true });
    const found = artifacts.find((a) => a.name === "capstan-journal-run-a1");
    expect(found?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(found?.id).toBeGreaterThan(2 ** 32);
    const path = mkdtempSync(join(tmpdir(), "capstan-theirs-"));
    const res = await theirs.downloadArtifact(found?.id ?? 0, { path, expectedHash: found?.digest });
    expect(res.digestMismatch).toBe(false);
    expect(readFileSync(join(path, "journal.json"), "utf8")).toBe(journal);
    const { artifact } = await theirs.getArtifact("capstan-journal-run-a1");
    expect(artifact.size).toBe(double.content("capstan-journal-run-a1")?.length);
  });

  it("uploads with GitHub's client (Put Block + Put Block List); Capstan lists and reads it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "capstan-up-"));
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "journal.json"), journal);
    writeFileSync(join(dir, "sub", "notes.txt"), "nested\n");
    const blocks = double.counts.get("PutBlockList") ?? 0;
    const theirs = asJob(double.job("gate-approve"));
    const up = await theirs.uploadArtifact(
      "capstan-journal-gate-approve-a1",
      [join(dir, "journal.json"), join(dir, "sub", "notes.txt")],
      dir,
      { retentionDays: 7 },
    );
    expect(up.id).toBeGreaterThan(0);
    expect(double.counts.get("PutBlockList")).toBe(blocks + 1);
    // Stored (level 0) too, as some workflows upload.
    await theirs.uploadArtifact("capstan-stored", [join(dir, "journal.json")], dir, { compressionLevel: 0 });

    const reader = ours(double.job("after-approve"));
    expect(await reader.list()).toEqual(
      expect.arrayContaining(["capstan-journal-gate-approve-a1", "capstan-stored"]),
    );
    expect(await reader.download("capstan-journal-gate-approve-a1", "journal.json")).toBe(journal);
    expect(await reader.download("capstan-journal-gate-approve-a1", "sub/notes.txt")).toBe("nested\n");
    expect(await reader.download("capstan-stored", "journal.json")).toBe(journal);
  });

  it("agree on the latest attempt of a name and on a damaged download", async () => {
    await ours(double.job("deploy", 1)).upload("capstan-dup", "f.txt", "attempt 1");
    await ours(double.job("deploy", 2)).upload("capstan-dup", "f.txt", "attempt 2");
    const reader = double.job("finalize", 2);
    const theirs = asJob(reader);
    const { artifacts } = await theirs.listArtifacts({ latest: true });
    const latest = artifacts.filter((a) => a.name === "capstan-dup");
    expect(latest).toHaveLength(1);
    expect(String(latest[0].id)).toBe(double.list().filter((a) => a.name === "capstan-dup")[1].id);
    expect(await ours(reader).download("capstan-dup", "f.txt")).toBe("attempt 2");

    double.tamper("capstan-dup");
    const path = mkdtempSync(join(tmpdir(), "capstan-theirs-"));
    const res = await theirs.downloadArtifact(latest[0].id, { path, expectedHash: latest[0].digest });
    expect(res.digestMismatch).toBe(true);
    await expect(ours(reader).download("capstan-dup", "f.txt")).rejects.toThrow(/is damaged: its digest is/);
  });

  it("sends the same request shapes as GitHub's client", () => {
    // The two uploads above with a retention: Capstan's (run) and GitHub's client's (gate-approve).
    const shape = (method: string, name: string) => {
      const call = double.calls.find(
        (c) => c.method === method && (c.request as { name?: string }).name === name,
      );
      const request = call?.request as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(request)
          .sort()
          .map((k) => [k, typeof request[k]]),
      );
    };
    for (const method of ["CreateArtifact", "FinalizeArtifact"])
      expect(shape(method, "capstan-journal-run-a1")).toEqual(
        shape(method, "capstan-journal-gate-approve-a1"),
      );
    const create = (name: string) =>
      double.calls.find((c) => (c.request as { name?: string }).name === name)?.request;
    expect(create("capstan-journal-run-a1")).toMatchObject({ version: 7, mime_type: "application/zip" });
    expect(create("capstan-journal-gate-approve-a1")).toMatchObject({
      version: 7,
      mime_type: "application/zip",
    });
    expect(double.calls.every((c) => c.status === 200)).toBe(true);
  });
});
