/**
 * The work-order category classifier, pure (no I/O): text → tokens (jieba words from `segment`, optionally
 * character bigrams of the Chinese runs) → a multinomial naive Bayes or a softmax (multinomial logistic)
 * regression on L2-normalised TF-IDF, trained deterministically (seeded shuffles), serialisable to JSON.
 *
 * `predict(text, k)` gives the top k labels with probabilities that sum to 1 over all labels; the top one is the
 * confidence. Naive Bayes posteriors are notoriously over-confident (they multiply hundreds of dependent word
 * likelihoods), so its log-scores are divided by a temperature chosen on a slice of the training data
 * (the one that minimises the log-loss there); softmax probabilities are used as they are.
 *
 * Chosen by measurement (bench/classify.ts on the demo data, fixed stratified 20 % held-out split, 29 categories):
 * softmax on words + character bigrams 0.63 accuracy / 0.81 top-3; softmax on words only 0.60; naive Bayes 0.56
 * with bigrams, 0.51 without; always-the-largest-category baseline 0.19. Bigrams help because jieba's dictionary
 * splits domain words oddly (路灯不亮 → 路 / 灯不亮). 5,000 terms keep the JSON near 1.2 MB for 29 categories.
 */
import { segment } from '../../../shared/chinese-text.js';
import { mulberry32 } from '../../../shared/random.js';

export interface Example {
  text: string;
  label: string;
}

export interface Prediction {
  label: string;
  probability: number;
}

export type ModelKind = 'nb' | 'softmax';

export interface TrainOptions {
  kind: ModelKind;
  /** Add character bigrams of each run of Chinese characters to the words. */
  bigrams: boolean;
  seed: number;
  /** Terms seen in fewer training texts are ignored. */
  minDf: number;
  /** At most this many terms (the most frequent by document frequency). */
  maxFeatures: number;
  /** softmax: passes over the data, learning rate, L2 penalty. */
  epochs: number;
  learningRate: number;
  l2: number;
  /** nb: additive smoothing. */
  alpha: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  kind: 'softmax',
  bigrams: true,
  seed: 20240601,
  minDf: 2,
  maxFeatures: 5_000,
  epochs: 20,
  learningRate: 1,
  l2: 1e-5,
  alpha: 0.1,
};

export const MODEL_FORMAT = 'civicgrid.work-order-classifier/1';

export interface ModelJson {
  format: typeof MODEL_FORMAT;
  kind: ModelKind;
  bigrams: boolean;
  labels: string[];
  vocab: string[];
  /** softmax: idf per term; weights[label][term] and bias[label]. nb: logPrior[label], logLik[label][term], temperature. */
  idf?: number[];
  weights?: number[][];
  bias?: number[];
  logPrior?: number[];
  logLik?: number[][];
  temperature?: number;
}

const HAN_RUN = /\p{Script=Han}{2,}/gu;

/** The tokens of a text: jieba words, and (with `bigrams`) the character bigrams of its Chinese runs. */
export function tokenize(text: string, bigrams: boolean): string[] {
  const words = segment(text);
  if (!bigrams) return words;
  const out = words.slice();
  for (const m of text.matchAll(HAN_RUN)) {
    const run = m[0];
    for (let i = 0; i + 1 < run.length; i++) out.push(`#${run.slice(i, i + 2)}`);
  }
  return out;
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * A stratified split: about `fraction` of each label's examples (at least one when the label has two or more) go
 * to the held-out set, chosen by a seeded shuffle.
 */
export function splitHoldout<T extends { label: string }>(examples: T[], fraction: number, seed: number): { train: T[]; test: T[] } {
  const byLabel = new Map<string, T[]>();
  for (const e of examples) {
    let list = byLabel.get(e.label);
    if (!list) byLabel.set(e.label, (list = []));
    list.push(e);
  }
  const random = mulberry32(seed);
  const train: T[] = [];
  const test: T[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const list = shuffle(byLabel.get(label)!, random);
    const n = list.length < 2 ? 0 : Math.max(1, Math.round(list.length * fraction));
    test.push(...list.slice(0, n));
    train.push(...list.slice(n));
  }
  return { train, test };
}

type Sparse = { idx: Int32Array; val: Float64Array };

function termCounts(tokens: string[], index: Map<string, number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const t of tokens) {
    const i = index.get(t);
    if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  return counts;
}

function tfidf(counts: Map<number, number>, idf: ArrayLike<number>): Sparse {
  const idx = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const val = new Float64Array(idx.length);
  let norm = 0;
  for (let k = 0; k < idx.length; k++) {
    const v = (1 + Math.log(counts.get(idx[k]!)!)) * idf[idx[k]!]!;
    val[k] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < val.length; k++) val[k]! /= norm;
  return { idx, val };
}

function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += scores[i] = Math.exp(scores[i]! - max);
  for (let i = 0; i < scores.length; i++) scores[i]! /= sum;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export class Classifier {
  readonly #index: Map<string, number>;

  private constructor(readonly json: ModelJson) {
    this.#index = new Map(json.vocab.map((t, i) => [t, i]));
  }

  get labels(): readonly string[] {
    return this.json.labels;
  }

  get kind(): ModelKind {
    return this.json.kind;
  }

  static fromJSON(value: unknown): Classifier {
    const j = value as ModelJson;
    if (!j || typeof j !== 'object' || j.format !== MODEL_FORMAT) throw new Error(`not a ${MODEL_FORMAT} model`);
    if (!Array.isArray(j.labels) || j.labels.length === 0 || !Array.isArray(j.vocab)) throw new Error('model without labels or vocabulary');
    const rows = j.kind === 'softmax' ? j.weights : j.kind === 'nb' ? j.logLik : undefined;
    if (!rows || rows.length !== j.labels.length || rows.some((r) => r.length !== j.vocab.length)) throw new Error('model weights do not match its labels and vocabulary');
    if (j.kind === 'softmax' && (j.idf?.length !== j.vocab.length || j.bias?.length !== j.labels.length)) throw new Error('model idf or bias has the wrong length');
    if (j.kind === 'nb' && (j.logPrior?.length !== j.labels.length || !(typeof j.temperature === 'number' && j.temperature > 0))) throw new Error('model prior or temperature missing');
    return new Classifier(j);
  }

  toJSON(): ModelJson {
    return this.json;
  }

  /** Probabilities over every label, in `labels` order (they sum to 1). */
  distribution(text: string): Float64Array {
    return this.#distributionOf(tokenize(text, this.json.bigrams));
  }

  #distributionOf(tokens: string[]): Float64Array {
    const j = this.json;
    const counts = termCounts(tokens, this.#index);
    const scores = new Float64Array(j.labels.length);
    if (j.kind === 'softmax') {
      const x = tfidf(counts, j.idf!);
      for (let c = 0; c < scores.length; c++) {
        const w = j.weights![c]!;
        let s = j.bias![c]!;
        for (let k = 0; k < x.idx.length; k++) s += w[x.idx[k]!]! * x.val[k]!;
        scores[c] = s;
      }
    } else {
      for (let c = 0; c < scores.length; c++) {
        const ll = j.logLik![c]!;
        let s = j.logPrior![c]!;
        for (const [i, n] of counts) s += ll[i]! * n;
        scores[c] = s / j.temperature!;
      }
    }
    softmaxInPlace(scores);
    return scores;
  }

  /** The k most probable labels, best first (ties by label, so the order is stable). */
  predict(text: string, k = 3): Prediction[] {
    return this.#top(this.distribution(text), k);
  }

  predictTokens(tokens: string[], k = 3): Prediction[] {
    return this.#top(this.#distributionOf(tokens), k);
  }

  #top(p: Float64Array, k: number): Prediction[] {
    return [...p]
      .map((probability, i) => ({ label: this.json.labels[i]!, probability }))
      .sort((a, b) => b.probability - a.probability || (a.label < b.label ? -1 : 1))
      .slice(0, Math.max(1, k));
  }

  static train(examples: Example[], options: Partial<TrainOptions> = {}): Classifier {
    const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
    return Classifier.trainTokens(
      examples.map((e) => ({ tokens: tokenize(e.text, o.bigrams), label: e.label })),
      o,
    );
  }

  /** Training on texts already tokenised with `tokenize(text, options.bigrams)` (the bench reuses them). */
  static trainTokens(examples: { tokens: string[]; label: string }[], options: Partial<TrainOptions> = {}): Classifier {
    const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    if (labels.length < 2) throw new Error('training needs examples of at least two categories');
    // Vocabulary: terms in at least minDf texts, the most frequent maxFeatures of them, in a fixed order.
    const df = new Map<string, number>();
    for (const e of examples) for (const t of new Set(e.tokens)) df.set(t, (df.get(t) ?? 0) + 1);
    const vocab = [...df]
      .filter(([, n]) => n >= o.minDf)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, o.maxFeatures)
      .map(([t]) => t)
      .sort();
    const index = new Map(vocab.map((t, i) => [t, i]));
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const docs = examples.map((e) => ({ counts: termCounts(e.tokens, index), y: labelIndex.get(e.label)! }));
    const base = { format: MODEL_FORMAT, bigrams: o.bigrams, labels, vocab } as const;
    if (o.kind === 'nb') return new Classifier({ ...base, kind: 'nb', ...trainNaiveBayes(docs, labels.length, vocab.length, o) });
    const n = examples.length;
    const idf = vocab.map((t) => round(Math.log((1 + n) / (1 + df.get(t)!)) + 1, 5));
    return new Classifier({ ...base, kind: 'softmax', idf, ...trainSoftmax(docs.map((d) => ({ x: tfidf(d.counts, idf), y: d.y })), labels.length, vocab.length, o) });
  }
}

function trainSoftmax(docs: { x: Sparse; y: number }[], nLabels: number, nTerms: number, o: TrainOptions): { weights: number[][]; bias: number[] } {
  const W = Array.from({ length: nLabels }, () => new Float64Array(nTerms));
  const b = new Float64Array(nLabels);
  const random = mulberry32(o.seed);
  const p = new Float64Array(nLabels);
  let order = docs.map((_, i) => i);
  let step = 0;
  const total = o.epochs * docs.length;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    order = shuffle(order, random);
    for (const i of order) {
      const { x, y } = docs[i]!;
      // Linearly decaying rate; the L2 penalty as weight decay applied lazily would be exact but this is small.
      const lr = o.learningRate * (1 - step / total) + 1e-3;
      step++;
      for (let c = 0; c < nLabels; c++) {
        const w = W[c]!;
        let s = b[c]!;
        for (let k = 0; k < x.idx.length; k++) s += w[x.idx[k]!]! * x.val[k]!;
        p[c] = s;
      }
      softmaxInPlace(p);
      for (let c = 0; c < nLabels; c++) {
        const g = p[c]! - (c === y ? 1 : 0);
        const w = W[c]!;
        for (let k = 0; k < x.idx.length; k++) {
          const t = x.idx[k]!;
          w[t] = w[t]! - lr * (g * x.val[k]! + o.l2 * w[t]!);
        }
        b[c] = b[c]! - lr * g;
      }
    }
  }
  return { weights: W.map((w) => Array.from(w, (v) => round(v, 4))), bias: Array.from(b, (v) => round(v, 4)) };
}

function trainNaiveBayes(
  docs: { counts: Map<number, number>; y: number }[],
  nLabels: number,
  nTerms: number,
  o: TrainOptions,
): { logPrior: number[]; logLik: number[][]; temperature: number } {
  // The temperature is fitted on a seeded 20 % of the training texts with a model of the other 80 %.
  const fit = (subset: typeof docs) => {
    const prior = new Float64Array(nLabels);
    const counts = Array.from({ length: nLabels }, () => new Float64Array(nTerms));
    for (const d of subset) {
      prior[d.y]!++;
      const row = counts[d.y]!;
      for (const [t, n] of d.counts) row[t]! += n;
    }
    const logPrior = Array.from(prior, (n) => Math.log((n + 1) / (subset.length + nLabels)));
    const logLik = counts.map((row) => {
      const sum = row.reduce((a, v) => a + v, 0) + o.alpha * nTerms;
      return Array.from(row, (n) => Math.log((n + o.alpha) / sum));
    });
    return { logPrior, logLik };
  };
  const shuffled = shuffle(docs, mulberry32(o.seed));
  const cut = Math.floor(shuffled.length * 0.2);
  const part = fit(shuffled.slice(cut));
  const raw = shuffled.slice(0, cut).map((d) => {
    const s = part.logPrior.map((lp, c) => {
      let v = lp;
      for (const [t, n] of d.counts) v += part.logLik[c]![t]! * n;
      return v;
    });
    return { s, y: d.y };
  });
  let temperature = 1;
  let best = Infinity;
  for (const T of [1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 120]) {
    let loss = 0;
    for (const r of raw) {
      const p = Float64Array.from(r.s, (v) => v / T);
      softmaxInPlace(p);
      loss -= Math.log(Math.max(p[r.y]!, 1e-12));
    }
    if (loss < best) {
      best = loss;
      temperature = T;
    }
  }
  const full = fit(docs);
  return { logPrior: full.logPrior.map((v) => round(v, 4)), logLik: full.logLik.map((r) => r.map((v) => round(v, 4))), temperature };
}

export interface Evaluation {
  n: number;
  accuracy: number;
  top3Accuracy: number;
  /** Mean top probability (the confidence), to set beside the accuracy (a calibration glance). */
  meanConfidence: number;
  perClass: Record<string, { support: number; correct: number; predicted: number }>;
}

/** Accuracy, top-3 accuracy and per-class counts of `model` on held-out examples (tokens precomputed or texts). */
export function evaluate(model: Classifier, test: ({ label: string } & ({ text: string } | { tokens: string[] }))[]): Evaluation {
  let correct = 0;
  let top3 = 0;
  let conf = 0;
  const perClass: Evaluation['perClass'] = {};
  const cls = (l: string) => (perClass[l] ??= { support: 0, correct: 0, predicted: 0 });
  for (const e of test) {
    const top = 'tokens' in e ? model.predictTokens(e.tokens, 3) : model.predict(e.text, 3);
    cls(e.label).support++;
    cls(top[0]!.label).predicted++;
    conf += top[0]!.probability;
    if (top[0]!.label === e.label) {
      correct++;
      cls(e.label).correct++;
    }
    if (top.some((p) => p.label === e.label)) top3++;
  }
  const n = test.length;
  return { n, accuracy: n ? correct / n : 0, top3Accuracy: n ? top3 / n : 0, meanConfidence: n ? conf / n : 0, perClass };
}
