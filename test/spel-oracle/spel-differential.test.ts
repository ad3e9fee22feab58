// Differential test: every case of testdata/corpus.json is evaluated by Spring's SpEL (through our
// Java oracle, configured as Orca configures it) and by Capstan; any disagreement must be a
// difference listed in docs/expressions.md ("Differences from Spinnaker"), named by the case's
// `diff`. Orca runs Spring 5.3 and the oracle runs Debian's 4.3: a case where they differ carries
// `spring53`, the 5.3 answer, which Capstan is compared with instead.
//
// Needs java, javac and Debian's Spring jars (scripts/install-spel-oracle.sh). Without them the test
// fails when CI is set and is skipped, with the reason, otherwise.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  capstanOutcome,
  describeOutcome,
  documentedDifferences,
  loadCorpus,
  ORACLE_BUILD,
  type OracleCase,
  type Outcome,
  runOracle,
  sameOutcome,
  setUpOracle,
} from "./harness.js";

interface CorpusCase extends OracleCase {
  /** The id of the documented difference this case shows. */
  diff?: string;
  /** Spring 5.3's answer where Debian's 4.3 answers otherwise. */
  spring53?: Outcome;
  note?: string;
}

const corpus = loadCorpus<CorpusCase>(new URL("./testdata/corpus.json", import.meta.url));
const documented = documentedDifferences();
const setup = setUpOracle();

describe("the corpus", () => {
  it("has unique ids, and every diff tag names a documented difference", () => {
    const ids = new Set<string>();
    for (const c of corpus) {
      expect(ids.has(c.id), `duplicate id ${c.id}`).toBe(false);
      ids.add(c.id);
      if (c.diff)
        expect(documented.has(c.diff), `${c.id}: '${c.diff}' is not in docs/expressions.md`).toBe(true);
    }
  });

  it("shows every documented difference at least once", () => {
    const used = new Set(corpus.map((c) => c.diff));
    const unused = [...documented.keys()].filter((id) => !used.has(id));
    expect(unused, "differences in docs/expressions.md that no corpus case shows").toEqual([]);
  });
});

if (!setup.ok && process.env.CI) {
  describe("SpEL differential test", () => {
    it("has its oracle installed", () => {
      throw new Error(`The SpEL oracle is not available in CI: ${setup.reason}`);
    });
  });
} else if (!setup.ok) {
  console.warn(`SpEL differential test skipped: ${setup.reason}`);
  describe.skip(`SpEL differential test (skipped: ${setup.reason})`, () => {
    it("needs the oracle", () => {});
  });
} else {
  const { classpath } = setup;
  describe("SpEL differential test (Spring's SpEL as Orca configures it vs Capstan)", () => {
    let oracle: Map<string, Outcome>;
    beforeAll(() => {
      oracle = runOracle(classpath, corpus);
      // Every answer side by side, for reading a failure (and for updating docs/expressions.md).
      mkdirSync(ORACLE_BUILD, { recursive: true });
      const report = corpus.map(({ raw: _raw, ...c }) => ({
        ...c,
        spring: oracle.get(c.id),
        capstan: capstanOutcome(c),
      }));
      writeFileSync(join(ORACLE_BUILD, "report.json"), `${JSON.stringify(report, null, 1)}\n`);
    }, 180_000);

    it("answers every case", () => {
      const missing = corpus.filter((c) => !oracle.has(c.id)).map((c) => c.id);
      expect(missing).toEqual([]);
      const harness = corpus.filter((c) => oracle.get(c.id)?.error?.startsWith("harness:"));
      expect(harness.map((c) => `${c.id}: ${oracle.get(c.id)?.error}`)).toEqual([]);
    });

    it.each(corpus.map((c) => [c.id, c.expr, c] as const))("%s: %s", (_id, _expr, c) => {
      const java = oracle.get(c.id);
      expect(java, "the oracle gave no answer").toBeDefined();
      if (!java) return;
      let expected = java;
      if (c.spring53) {
        expect(
          sameOutcome(java, c.spring53),
          `spring53 is set but Spring 4.3 already answers ${describeOutcome(java)}`,
        ).toBe(false);
        expected = c.spring53;
      }
      const capstan = capstanOutcome(c);
      const same = sameOutcome(expected, capstan);
      const detail = `Spring: ${describeOutcome(expected)}\nCapstan: ${describeOutcome(capstan)}`;
      if (c.diff)
        expect(same, `tagged '${c.diff}' but both answer the same; drop the tag\n${detail}`).toBe(false);
      else
        expect(
          same,
          `Capstan differs from Spring; fix it, or document the difference in docs/expressions.md and tag the case\n${detail}`,
        ).toBe(true);
    });
  });
}
