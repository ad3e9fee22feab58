import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileArtifactStore } from "./artifacts/file-artifact-store.js";
import { downloadJournals, journalArtifactName, uploadJournal } from "./journals.js";

describe("journals as artifacts", () => {
  it("keeps one artifact per job per attempt and reads the latest attempt of each job", async () => {
    const store = new FileArtifactStore(mkdtempSync(join(tmpdir(), "capstan-art-")));
    await uploadJournal(store, { job: "run", attempt: 1, events: [], commands: [] });
    await uploadJournal(store, { job: "gate-judge", attempt: 1, events: [], commands: [] });
    await uploadJournal(store, { job: "gate-judge", attempt: 2, events: [], commands: [] });
    await uploadJournal(store, { job: "gate-judge-2", attempt: 5, events: [], commands: [] });
    // Artifacts are immutable: the same job and attempt cannot upload twice.
    await expect(uploadJournal(store, { job: "run", attempt: 1, events: [], commands: [] })).rejects.toThrow(
      /already exists/,
    );
    const got = await downloadJournals(store, ["run", "gate-judge", "missing"]);
    expect(got.map((j) => [j.job, j.attempt])).toEqual([
      ["run", 1],
      ["gate-judge", 2],
    ]);
    expect(journalArtifactName("after-a", 3)).toBe("capstan-journal-after-a-a3");
  });
});
