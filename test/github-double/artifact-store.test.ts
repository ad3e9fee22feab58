// Capstan's artifact client (action/src/artifacts) against the double of GitHub's Results service and
// blob storage: the journal round trip between jobs, re-run attempts, retries, timeouts, redaction,
// damaged downloads and missing artifacts. The double checks each call against the published types.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ResultsArtifactStore,
  type ResultsStoreOptions,
} from "../../action/src/artifacts/results-artifact-store.js";
import { downloadJournals, type JobJournal, uploadJournal } from "../../action/src/journals.js";
import { ArtifactServiceDouble, type DoubleJob } from "./artifact-service.js";

let double: ArtifactServiceDouble;
beforeAll(async () => {
  double = new ArtifactServiceDouble();
  await double.start();
});
afterAll(() => double.stop());
afterEach(() => {
  expect(double.problems).toEqual([]);
  double.faults.length = 0;
});

/** The store a job would build, with fast retries and a record of what it logged and masked. */
function store(job: DoubleJob, extra: Partial<ResultsStoreOptions> = {}) {
  const log: string[] = [];
  const masked: string[] = [];
  const s = new ResultsArtifactStore({
    env: { ...job.env, GITHUB_RETENTION_DAYS: "5" },
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000 },
    log: (l) => log.push(l),
    mask: (m) => masked.push(m),
    ...extra,
  });
  return { s, log, masked };
}

const journal = (job: string, attempt: number, note: string): JobJournal => ({
  job,
  attempt,
  events: [{ kind: "note", note } as unknown as JobJournal["events"][number]],
  commands: [],
});

describe("ResultsArtifactStore against the artifact service double", () => {
  it("hands a job's journal to a later job as a zip artifact, with size, digest and retention", async () => {
    const run = double.job("run");
    const up = store(run);
    await uploadJournal(up.s, journal("run", 1, "from run"));
    const [listed] = double.list().filter((a) => a.name === "capstan-journal-run-a1");
    expect(listed).toMatchObject({ job: "run", attempt: 1 });
    expect(listed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(double.content("capstan-journal-run-a1")?.subarray(0, 2).toString()).toBe("PK");
    const create = double.calls.find((c) => c.method === "CreateArtifact")?.request as Record<string, string>;
    expect(create).toMatchObject({ version: 7, mime_type: "application/zip" });
    const days = (Date.parse(create.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(4.9); // GITHUB_RETENTION_DAYS=5 caps the default 7
    expect(days).toBeLessThanOrEqual(5);
    expect(up.masked.length).toBe(2); // the upload URL's signature, raw and encoded

    const later = store(double.job("after-approve"));
    expect(await later.s.list()).toContain("capstan-journal-run-a1");
    const [got] = await downloadJournals(later.s, ["run"]);
    expect(got.events).toEqual([{ kind: "note", note: "from run" }]);
  });

  it("reads the latest attempt after a re-run, and refuses a duplicate name within an attempt", async () => {
    await uploadJournal(store(double.job("deploy", 1)).s, journal("deploy", 1, "first"));
    const rerun = store(double.job("deploy", 2)).s;
    await uploadJournal(rerun, journal("deploy", 2, "second"));
    // A re-run attempt may reuse a name; the list keeps only the newest of each.
    await rerun.upload("capstan-shared", "f.txt", "attempt 1 of the name");
    await store(double.job("other", 3)).s.upload("capstan-shared", "f.txt", "attempt 3 of the name");
    const reader = store(double.job("finalize", 3)).s;
    const names = await reader.list();
    expect(names.filter((n) => n === "capstan-shared")).toHaveLength(1);
    expect(await reader.download("capstan-shared", "f.txt")).toBe("attempt 3 of the name");
    const [latest] = await downloadJournals(reader, ["deploy"]);
    expect(latest.attempt).toBe(2);

    const dup = await rerun.upload("capstan-journal-deploy-a2", "journal.json", "{}").catch((e: Error) => e);
    expect((dup as Error).message).toMatch(/CreateArtifact failed: HTTP 409 already_exists/);
  });

  it("retries 503s and timeouts on every call and on both blob requests", async () => {
    const job = double.job("retrying");
    const { s, log } = store(job);
    double.faults.push(
      { route: "CreateArtifact", status: 503, times: 1 },
      { route: "PutBlob", status: 503, times: 1 },
      { route: "FinalizeArtifact", status: 500, times: 1 },
      { route: "ListArtifacts", status: 429, times: 1 },
      { route: "GetSignedArtifactURL", status: 502, times: 1 },
      { route: "GetBlob", delayMs: 3000, times: 1 }, // beyond the 2 s timeout: aborted, tried again
    );
    const before = double.counts.get("GetBlob") ?? 0;
    await s.upload("capstan-retry", "x.txt", "survived");
    expect(await s.download("capstan-retry", "x.txt")).toBe("survived");
    expect((double.counts.get("GetBlob") ?? 0) - before).toBe(2);
    expect(log.filter((l) => l.includes("retrying"))).toHaveLength(6);
    expect(log.join("\n")).not.toMatch(/sig=|sv=/);
  });

  it("gives up after its attempts with a message that names the call but no secret", async () => {
    const job = double.job("failing");
    const { s } = store(job);
    double.faults.push({
      route: "CreateArtifact",
      status: 503,
      times: 3,
      message: `busy; token ${job.token}`,
    });
    const e1 = (await s.upload("capstan-never", "x", "x").catch((e: Error) => e)) as Error;
    expect(e1.message).toBe("CreateArtifact failed: HTTP 503 (3 attempts)");

    // Storage refusing the signed URL: the error shows the blob's path, never the SAS query.
    double.faults.push({ route: "PutBlob", status: 403, times: 1 });
    const e2 = (await s.upload("capstan-refused", "x", "x").catch((e: Error) => e)) as Error;
    expect(e2.message).toMatch(
      /^upload to http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/actions-results\/.+\.zip\?… failed: HTTP 403 AuthenticationFailed$/,
    );

    // A service message quoting the token and a signed URL is redacted as well.
    double.faults.push({
      route: "ListArtifacts",
      status: 400,
      times: 1,
      message: `bad token ${job.token} for ${double.url}/x.zip?sv=1&sig=SECRETSIG`,
    });
    const e3 = (await s.list().catch((e: Error) => e)) as Error;
    expect(e3.message).toBe(
      `ListArtifacts failed: HTTP 400 invalid_argument: bad token *** for ${double.url}/x.zip?…`,
    );
    for (const e of [e1, e2, e3]) expect(`${e.message}${e.stack}`).not.toMatch(/SECRETSIG|sig=/);
    for (const e of [e1, e2, e3]) expect(`${e.message}${e.stack}`).not.toContain(job.token);
  });

  it("detects a download whose digest does not match the one recorded at upload", async () => {
    const { s } = store(double.job("tampered"));
    await s.upload("capstan-tampered", "x.txt", "original content ".repeat(20));
    double.tamper("capstan-tampered");
    await expect(s.download("capstan-tampered", "x.txt")).rejects.toThrow(
      /artifact 'capstan-tampered' \(id \d+\) is damaged: its digest is sha256:[0-9a-f]{64}, got sha256:/,
    );
  });

  it("says which artifact or file is missing, and what a runner must provide", async () => {
    const { s } = store(double.job("reader"));
    await expect(s.download("capstan-journal-nobody-a1", "journal.json")).rejects.toThrow(
      "no artifact named 'capstan-journal-nobody-a1' in this run",
    );
    await s.upload("capstan-one-file", "a.txt", "a");
    await expect(s.download("capstan-one-file", "b.txt")).rejects.toThrow(
      "artifact 'capstan-one-file' has no file 'b.txt'",
    );
    await expect(s.upload("bad/name", "a", "a")).rejects.toThrow("invalid artifact name 'bad/name'");
    const outside = new ResultsArtifactStore({ env: {} });
    await expect(outside.list()).rejects.toThrow(/ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set/);
  });
});
