/**
 * The published figures in ../shared/data/vectors/published.json (read in place, with their sources) reproduced
 * by our formulas to the tolerance each entry states.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ahp, SAATY_RI } from './ahp.js';
import { entropyWeights } from './entropy.js';
import { topsis } from './topsis.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const FILE = process.env.PUBLISHED_VECTORS ?? path.resolve(REPO, '../shared/data/vectors/published.json');

interface Vectors {
  entropy_weights: { matrix: number[][]; entropy: number[]; weights: number[]; tolerance: number };
  topsis_minmax: { matrix: number[][]; weights: number[]; types: number[]; closeness: number[]; tolerance: number };
  ahp_5x5: { matrix: number[][]; lambda_max: number; CI: number; CR: number; RI_table_saaty: number[]; weights: number[]; tolerance: number };
}

const vectors = JSON.parse(readFileSync(FILE, 'utf8')) as Vectors;

function near(actual: readonly number[], expected: readonly number[], tolerance: number) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance));
}

describe('published vectors', () => {
  it('entropy weights (pymcdm, Elsayed et al. 2017)', () => {
    const v = vectors.entropy_weights;
    const r = entropyWeights(v.matrix);
    near(r.entropy, v.entropy, v.tolerance);
    near(r.weights, v.weights, v.tolerance);
  });

  it('TOPSIS with min-max normalisation (pymcdm, Opricovic & Tzeng 2004)', () => {
    const v = vectors.topsis_minmax;
    near(topsis(v.matrix, v.weights, v.types, 'minmax').closeness, v.closeness, v.tolerance);
  });

  it('AHP 5×5: principal eigenvector, λmax, CI, CR with the stated Saaty RI table', () => {
    const v = vectors.ahp_5x5;
    expect(SAATY_RI.slice(0, v.RI_table_saaty.length)).toEqual(v.RI_table_saaty);
    const r = ahp(v.matrix);
    near(r.weights, v.weights, v.tolerance);
    expect(Math.abs(r.lambdaMax - v.lambda_max)).toBeLessThanOrEqual(v.tolerance);
    expect(Math.abs(r.CI - v.CI)).toBeLessThanOrEqual(v.tolerance);
    expect(Math.abs(r.CR - v.CR)).toBeLessThanOrEqual(v.tolerance);
    expect(r.consistent).toBe(true);
  });
});
