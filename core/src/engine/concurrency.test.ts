import { describe, expect, it } from "vitest";
import { chooseNextRun } from "./concurrency.js";

const q = (id: string, since: number) => ({ id, since });

describe("newest supersedes older (Orca's StartWaitingExecutions)", () => {
  it("without keepWaitingPipelines the newest starts and the older ones are superseded", () => {
    expect(chooseNextRun([q("b", 2), q("a", 1), q("c", 3)], false)).toEqual({
      start: q("c", 3),
      supersede: [q("a", 1), q("b", 2)],
    });
  });
  it("with keepWaitingPipelines the oldest starts and nobody is canceled", () => {
    expect(chooseNextRun([q("b", 2), q("a", 1)], true)).toEqual({ start: q("a", 1), supersede: [] });
  });
  it("nothing waiting, nothing to do", () => {
    expect(chooseNextRun([], false)).toEqual({ supersede: [] });
  });
});
