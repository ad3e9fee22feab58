import type { JournalEvent } from "./events.js";

/** Merges journals (e.g. from parallel GitHub jobs): the union of events, ordered by event id. */
export function mergeJournals(...journals: readonly (readonly JournalEvent[])[]): JournalEvent[] {
  const byId = new Map<string, JournalEvent>();
  for (const journal of journals) for (const e of journal) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
