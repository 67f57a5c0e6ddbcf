/**
 * mulberry32: a small, fast, seeded pseudo-random generator (uniform in [0, 1)). Used wherever a result must repeat
 * exactly for the same seed — the demo city's generated data, the classifier's training splits, Monte-Carlo
 * sensitivity draws, and tests and benchmarks that place random points. Not for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
