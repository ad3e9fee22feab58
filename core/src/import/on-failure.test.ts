import { describe, expect, it } from "vitest";
import { type FailureFlags, mapOnFailure } from "./on-failure.js";

describe("mapOnFailure (Orca's failureStatus algebra)", () => {
  // [failPipeline, continuePipeline, completeOtherBranchesThenFail] -> onFailure
  const table: [FailureFlags, string][] = [
    [{}, "haltPipeline"],
    [{ failPipeline: true }, "haltPipeline"],
    [{ failPipeline: null }, "haltPipeline"],
    [{ failPipeline: false }, "haltBranch"],
    [{ failPipeline: false, completeOtherBranchesThenFail: true }, "haltBranchThenFailPipeline"],
    [{ failPipeline: false, completeOtherBranchesThenFail: false }, "haltBranch"],
    [{ continuePipeline: true }, "ignore"],
    [{ continuePipeline: true, failPipeline: true }, "ignore"],
    [{ continuePipeline: true, failPipeline: false, completeOtherBranchesThenFail: true }, "ignore"],
    [{ continuePipeline: false, failPipeline: false }, "haltBranch"],
    // absent failPipeline means true, so completeOtherBranchesThenFail cannot take effect
    [{ completeOtherBranchesThenFail: true }, "haltPipeline"],
    [{ failPipeline: true, completeOtherBranchesThenFail: true }, "haltPipeline"],
    // `failPipeline in (null, true)`: the string "true" is not true
    [{ failPipeline: "true" }, "haltBranch"],
    [{ failPipeline: "true", completeOtherBranchesThenFail: true }, "haltBranchThenFailPipeline"],
    [{ failPipeline: false, completeOtherBranchesThenFail: "true" }, "haltBranch"],
  ];
  it.each(table)("%j -> %s", (flags, expected) => {
    expect(mapOnFailure(flags).onFailure).toBe(expected);
  });

  it("explains the changes it makes", () => {
    expect(mapOnFailure({ completeOtherBranchesThenFail: true }).caveats).toEqual([
      {
        flag: "completeOtherBranchesThenFail",
        message:
          "completeOtherBranchesThenFail is true but failPipeline is absent (which Orca reads as true), so the stage halts the whole pipeline at once: haltPipeline",
      },
    ]);
    expect(mapOnFailure({ failPipeline: "true" }).caveats).toEqual([
      {
        flag: "failPipeline",
        message:
          'failPipeline is "true", not a boolean; Orca tests failPipeline in (null, true), so it counts as false',
      },
    ]);
    expect(mapOnFailure({ failPipeline: false }).caveats).toEqual([]);
  });

  it("reads a string continuePipeline by its text, and says so", () => {
    const m = mapOnFailure({ continuePipeline: "true", failPipeline: false });
    expect(m.onFailure).toBe("ignore");
    expect(m.caveats.map((c) => c.flag)).toEqual(["continuePipeline"]);
  });
});
