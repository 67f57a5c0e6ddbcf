/**
 * `civicgrid mcdm …` through the real binary on the published vectors (read in place from
 * ../shared/data/vectors/published.json). The commands must not touch storage: DATABASE_URL points at a port
 * nothing listens on and DATA_DIR stays empty.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(SERVER, 'bin/civicgrid.js');
const VECTORS = JSON.parse(readFileSync(process.env.PUBLISHED_VECTORS ?? path.resolve(SERVER, '../../shared/data/vectors/published.json'), 'utf8')) as {
  entropy_weights: { matrix: number[][]; entropy: number[]; weights: number[]; tolerance: number };
  topsis_minmax: { matrix: number[][]; weights: number[]; types: number[]; closeness: number[]; tolerance: number };
  ahp_5x5: { matrix: number[][]; lambda_max: number; CI: number; CR: number; weights: number[]; tolerance: number };
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-mcdm-'));
const dataDir = path.join(dir, 'data');
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const csv = (m: number[][]) => m.map((r) => r.join(',')).join('\n') + '\n';

function cli(args: string[], lang = 'en_US.UTF-8') {
  const r = spawnSync(process.execPath, [BIN, 'mcdm', ...args], {
    env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', DATA_DIR: dataDir, LANG: lang, LC_ALL: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function near(actual: number[], expected: number[], tolerance: number) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(tolerance));
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('civicgrid mcdm', () => {
  it('ahp reproduces the published 5×5 example', () => {
    const v = VECTORS.ahp_5x5;
    const r = cli(['ahp', '--matrix', file('ahp.json', JSON.stringify(v.matrix))]);
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as { weights: number[]; lambdaMax: number; CI: number; CR: number };
    near(out.weights, v.weights, v.tolerance);
    near([out.lambdaMax, out.CI, out.CR], [v.lambda_max, v.CI, v.CR], v.tolerance);
    expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
  });

  it('entropy reproduces the published weights and entropies', () => {
    const v = VECTORS.entropy_weights;
    const r = cli(['entropy', '--matrix', file('entropy.csv', csv(v.matrix))]);
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as { weights: number[]; entropy: number[] };
    near(out.weights, v.weights, v.tolerance);
    near(out.entropy, v.entropy, v.tolerance);
  });

  it('topsis reproduces the published min-max closeness', () => {
    const v = VECTORS.topsis_minmax;
    const r = cli(['topsis', '--matrix', file('topsis.csv', csv(v.matrix)), '--weights', v.weights.join(','), `--types=${v.types.join(',')}`, '--normalization', 'minmax']);
    expect(r.code, r.err).toBe(0);
    near((JSON.parse(r.out) as { closeness: number[] }).closeness, v.closeness, v.tolerance);
  });

  it('exits 2 with one clear line on bad input, in the caller’s language', () => {
    const nonReciprocal = cli(['ahp', '--matrix', file('bad.json', '[[1,2],[2,1]]')]);
    expect(nonReciprocal).toMatchObject({ code: 2, out: '' });
    expect(nonReciprocal.err).toBe('civicgrid: The matrix is not reciprocal: a(1,2) = 2 but a(2,1) = 2, expected its inverse\n');
    const zh = cli(['ahp', '--matrix', file('bad2.json', '[[1,2,3],[0.5,1]]')], 'zh_CN.UTF-8');
    expect(zh).toMatchObject({ code: 2, err: 'civicgrid: 第 2 行有 2 个值，应为 3 个\n' });
    const text = cli(['entropy', '--matrix', file('text.csv', '1,2\n3,abc\n')]);
    expect(text).toMatchObject({ code: 2, err: 'civicgrid: Row 2, column 2 is not a number: "abc"\n' });
    const dims = cli(['topsis', '--matrix', file('t.csv', '1,2\n3,4\n'), '--weights', '1,1,1', '--types', '1,1']);
    expect(dims).toMatchObject({ code: 2, err: 'civicgrid: 3 weight(s) or values given, expected 2\n' });
    const norm = cli(['topsis', '--matrix', file('t2.csv', '1,2\n3,4\n'), '--weights', '1,1', '--types', '1,1', '--normalization', 'l2']);
    expect(norm.code).toBe(2);
    expect(norm.err).toContain('Unknown normalisation "l2"');
    const missing = cli(['entropy', '--matrix', path.join(dir, 'nope.csv')]);
    expect(missing).toMatchObject({ code: 2, err: `civicgrid: Cannot read ${path.join(dir, 'nope.csv')}\n` });
    expect(cli(['topsis', '--matrix', 'x.csv']).code).toBe(2);
  });
});
