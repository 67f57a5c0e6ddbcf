/**
 * Seeded random numbers for reproducible Monte-Carlo runs: the same seed gives the same draws on every machine
 * (sensitivity results are stored and must be recomputable). mulberry32 is small, fast and passes the usual
 * statistical batteries for this purpose; it is not for secrets.
 */
export type Random = () => number;

export { mulberry32 } from '../../../shared/random.js';

export function normal(random: Random): number {
  // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 through Gamma(shape + 1)·U^(1/shape). */
export function gamma(random: Random, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  // The acceptance rate is above 95 % for every shape ≥ 1; the bound only guards against a broken generator.
  for (let attempt = 0; attempt < 1000; attempt++) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
  return shape;
}

/**
 * A draw from Dirichlet(κ·w) around weights w (Σw = 1): mean w, and the larger κ (concentration) the closer the
 * draws stay to w — Var(w_i) = w_i(1 − w_i)/(κ + 1). Zero weights stay zero.
 */
export function dirichletAround(random: Random, weights: ArrayLike<number>, concentration: number, out: Float64Array, offset = 0): void {
  let sum = 0;
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k]!;
    const g = w > 0 ? gamma(random, concentration * w) : 0;
    out[offset + k] = g;
    sum += g;
  }
  for (let k = 0; k < weights.length; k++) out[offset + k] = sum > 0 ? out[offset + k]! / sum : weights[k]!;
}
