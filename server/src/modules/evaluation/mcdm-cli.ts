/**
 * `civicgrid mcdm …`: the methods as a tool for analysts, on files, without a database. Each function reads its
 * input, runs the pure method and returns the JSON to print; bad input throws AppError (bad_request → exit 2).
 */
import { readFileSync, statSync } from 'node:fs';
import { badRequest } from '../../shared/errors.js';
import { parseNumericCsv } from './csv.js';
import { ahp } from './methods/ahp.js';
import { entropyWeights } from './methods/entropy.js';
import { topsis, type TopsisNormalization } from './methods/topsis.js';

/** Analyst matrices are small; 64 MB keeps a mistaken path to a huge file from exhausting memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const BOUNDS = { maxRows: 1_000_000, maxColumns: 10_000 };

function readInput(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw badRequest('evaluation.file_unreadable', { file });
  }
  if (size > MAX_FILE_BYTES) throw badRequest('evaluation.file_too_large', { file, max: MAX_FILE_BYTES });
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw badRequest('evaluation.file_unreadable', { file });
  }
}

export function mcdmAhp(file: string) {
  let matrix: unknown;
  try {
    matrix = JSON.parse(readInput(file));
  } catch (err) {
    if (err instanceof SyntaxError) throw badRequest('evaluation.json_invalid', { file });
    throw err;
  }
  // Accept a bare matrix or {"matrix": [...]} (the shape of the published vectors).
  if (matrix && typeof matrix === 'object' && !Array.isArray(matrix) && 'matrix' in matrix) matrix = (matrix as { matrix: unknown }).matrix;
  if (!Array.isArray(matrix) || !matrix.every((row) => Array.isArray(row))) throw badRequest('evaluation.json_not_matrix', { file });
  const r = ahp(matrix as number[][]);
  return {
    weights: r.weights,
    lambdaMax: r.lambdaMax,
    CI: r.CI,
    CR: r.CR,
    RI: r.RI,
    consistent: r.consistent,
    mostInconsistent: r.mostInconsistent && { i: r.mostInconsistent.i + 1, j: r.mostInconsistent.j + 1, judgement: r.mostInconsistent.judgement, implied: r.mostInconsistent.implied },
  };
}

export function mcdmEntropy(file: string) {
  const r = entropyWeights(parseNumericCsv(readInput(file), BOUNDS));
  return { weights: r.weights, entropy: r.entropy, constantColumns: r.constantColumns.map((j) => j + 1), degenerate: r.degenerate };
}

export function parseNumberList(text: string, option: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((p, k) => p === '' || !Number.isFinite(values[k]!));
  if (bad >= 0) throw badRequest('evaluation.list_not_number', { option, index: bad + 1 });
  return values;
}

export function mcdmTopsis(file: string, options: { weights: string; types: string; normalization: string }) {
  if (options.normalization !== 'vector' && options.normalization !== 'minmax') {
    throw badRequest('evaluation.normalization_unknown', { value: options.normalization });
  }
  const matrix = parseNumericCsv(readInput(file), BOUNDS);
  const r = topsis(matrix, parseNumberList(options.weights, '--weights'), parseNumberList(options.types, '--types'), options.normalization as TopsisNormalization);
  return { closeness: r.closeness };
}
