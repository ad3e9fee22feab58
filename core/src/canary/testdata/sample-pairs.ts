// Seeded sample pairs for comparing the rank-sum test with R: ties, tiny and large samples, equal
// samples, NaN, empty sides, heavy outliers, shifts and scales, constants, large magnitudes.
import type { OracleCase } from "./r-oracle.js";

/** A small seeded generator (mulberry32): the same cases on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NamedCase extends OracleCase {
  name: string;
}

export function samplePairs(seed = 20261207): NamedCase[] {
  const random = seededRandom(seed);
  const normal = () => {
    // Box-Muller; 1 - u keeps log away from 0.
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const sample = (n: number, draw: () => number) => Array.from({ length: n }, draw);
  const cases: NamedCase[] = [];
  const add = (name: string, x: number[], y: number[], confLevel = 0.98) =>
    cases.push({ name, x, y, confLevel });

  // Tiny samples, continuous and tied, every size combination up to 3.
  for (let nx = 1; nx <= 3; nx++)
    for (let ny = 1; ny <= 3; ny++)
      for (let k = 0; k < 4; k++) {
        add(
          `tiny ${nx}x${ny} continuous #${k}`,
          sample(nx, normal),
          sample(ny, () => normal() + k / 2),
        );
        add(
          `tiny ${nx}x${ny} tied #${k}`,
          sample(nx, () => int(0, 2)),
          sample(ny, () => int(0, 2)),
        );
      }
  // Small to medium, heavy ties (integers, halves), shifted.
  for (let k = 0; k < 60; k++) {
    const nx = int(4, 60);
    const ny = int(4, 60);
    const step = [1, 0.5, 0.25, 2][k % 4];
    const shift = (k % 5) * 0.7;
    add(
      `ties n=${nx},${ny} step ${step} shift ${shift}`,
      sample(nx, () => Math.round((normal() + shift) / step) * step),
      sample(ny, () => Math.round(normal() / step) * step),
    );
  }
  // Continuous, shifted and scaled.
  for (let k = 0; k < 60; k++) {
    const nx = int(5, 200);
    const ny = int(5, 200);
    const shift = normal() * 2;
    const scale = 0.2 + random() * 5;
    add(
      `continuous n=${nx},${ny} shift ${shift.toFixed(2)} scale ${scale.toFixed(2)}`,
      sample(nx, () => shift + scale * normal()),
      sample(ny, normal),
    );
  }
  // Equal samples: the same values, and a permutation of them.
  for (let k = 0; k < 10; k++) {
    const y = sample(int(2, 80), () => (k % 2 ? Math.round(normal() * 3) : normal()));
    add(`equal samples #${k}`, [...y], y);
    add(`permuted samples #${k}`, [...y].reverse(), y);
  }
  // NaN: all-NaN sides (R: no observations), NaN mixed in, empty sides.
  add("x all NaN", [Number.NaN, Number.NaN, Number.NaN], sample(10, normal));
  add("y all NaN", sample(10, normal), [Number.NaN, Number.NaN]);
  add("both all NaN", [Number.NaN], [Number.NaN, Number.NaN]);
  add("x empty", [], sample(5, normal));
  add("y empty", sample(5, normal), []);
  add("both empty", [], []);
  for (let k = 0; k < 10; k++) {
    const withNaN = (n: number) => sample(n, () => (random() < 0.2 ? Number.NaN : normal() + k * 0.1));
    add(`NaN mixed #${k}`, withNaN(int(3, 50)), withNaN(int(3, 50)));
  }
  // Heavy outliers.
  for (let k = 0; k < 15; k++) {
    const outliers = (n: number, shift: number) =>
      sample(n, () => (random() < 0.05 ? (random() < 0.5 ? -1 : 1) * 1e6 * random() : normal() + shift));
    add(`outliers #${k}`, outliers(int(10, 150), k * 0.2), outliers(int(10, 150), 0));
  }
  // Constants: both constant and different (R stops), one constant, both the same constant.
  add("both constant, different", [5, 5, 5], [3, 3, 3, 3]);
  add("both constant, same", [2, 2], [2, 2, 2]);
  add("x constant", [1, 1, 1, 1], sample(12, normal));
  add("y constant", sample(12, normal), [0, 0, 0, 0, 0]);
  add("one each, different", [1], [2]);
  add("one each, same", [4], [4]);
  add("one against many", [0.5], sample(59, normal));
  add("many against one", sample(59, normal), [0.5]);
  // Magnitudes where x − d rounds: near 1e9 with small spread, near 1e-9, mixed signs and zeros.
  for (let k = 0; k < 8; k++) {
    add(
      `large magnitude #${k}`,
      sample(int(10, 80), () => 1e9 + normal() * 1e-3),
      sample(int(10, 80), () => 1e9 + normal() * 1e-3 + k * 1e-4),
    );
    add(
      `small magnitude #${k}`,
      sample(int(10, 80), () => 1e-9 * normal()),
      sample(int(10, 80), () => 1e-9 * (normal() + k * 0.3)),
    );
  }
  add("zeros and signed zeros", [0, -0, 0, 1, -1], [-0, 0, 0, 0, 2]);
  // Other confidence levels.
  for (const level of [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]) {
    add(
      `level ${level}`,
      sample(40, () => normal() + 0.5),
      sample(35, normal),
      level,
    );
    add(
      `level ${level} tied`,
      sample(30, () => int(0, 5)),
      sample(30, () => int(1, 6)),
      level,
    );
  }
  // Large samples (R spends most of the test's time here).
  add(
    "large 2000x2000 shifted",
    sample(2000, () => normal() + 0.05),
    sample(2000, normal),
  );
  add(
    "large 3000x1000 tied",
    sample(3000, () => int(0, 50)),
    sample(1000, () => int(2, 52)),
  );
  add(
    "large 5000x5000 latency-like",
    sample(5000, () => Math.exp(normal() * 0.3) * 100),
    sample(5000, () => Math.exp(normal() * 0.3) * 103),
  );
  return cases;
}
