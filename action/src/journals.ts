import type { Command, JournalEvent } from "@capstan/core";
import type { ArtifactStore } from "./artifacts/artifact-store.js";

/** What one job attempt leaves for later jobs: its journal events and judgment commands. */
export interface JobJournal {
  job: string;
  attempt: number;
  events: JournalEvent[];
  commands: Command[];
}

const FILE = "journal.json";
const PREFIX = "capstan-journal-";

/** One artifact per job per attempt: artifacts are immutable, so a re-run writes a new one. */
export function journalArtifactName(job: string, attempt: number): string {
  return `${PREFIX}${job}-a${attempt}`;
}

/** Saves this job's journal. */
export async function uploadJournal(store: ArtifactStore, journal: JobJournal): Promise<void> {
  await store.upload(journalArtifactName(journal.job, journal.attempt), FILE, JSON.stringify(journal));
}

/** The latest attempt's journal of each of the given jobs that left one. */
export async function downloadJournals(store: ArtifactStore, jobs: readonly string[]): Promise<JobJournal[]> {
  const names = await store.list();
  const out: JobJournal[] = [];
  for (const job of jobs) {
    let best: { name: string; attempt: number } | undefined;
    for (const name of names) {
      if (!name.startsWith(`${PREFIX}${job}-a`)) continue;
      const attempt = Number(name.slice(`${PREFIX}${job}-a`.length));
      if (Number.isInteger(attempt) && (!best || attempt > best.attempt)) best = { name, attempt };
    }
    if (best) out.push(JSON.parse(await store.download(best.name, FILE)) as JobJournal);
  }
  return out;
}
