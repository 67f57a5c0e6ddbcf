import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.js';

/** A statement that answers when told to, recording what each one carried. */
function controlled() {
  const statements: number[][] = [];
  const release: Array<() => void> = [];
  const run = async (ops: number[]): Promise<string[]> => {
    statements.push([...ops]);
    await new Promise<void>((resolve) => release.push(resolve));
    if (ops.includes(-1)) throw new Error('bad operation');
    if (ops.includes(-2)) throw new Error('Connection terminated unexpectedly');
    return ops.map((op) => `done ${op}`);
  };
  /** Lets the oldest pending statement return, then lets the batcher send the next. */
  const next = async () => {
    release.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** Lets every statement return, the ones sent meanwhile included. */
  const drain = async () => {
    while (release.length > 0) await next();
  };
  return { statements, run, next, drain };
}

describe('Batcher (group commit)', () => {
  it('sends a lone operation at once and those that arrive meanwhile together in the next statement', async () => {
    const c = controlled();
    const b = new Batcher(c.run, { maxBatch: 64 });
    const first = b.submit(1);
    expect(c.statements).toEqual([[1]]);
    const rest = [2, 3, 4].map((op) => b.submit(op));
    expect(c.statements).toHaveLength(1);
    await c.next();
    expect(c.statements).toEqual([[1], [2, 3, 4]]);
    await c.next();
    expect(await first).toBe('done 1');
    expect(await Promise.all(rest)).toEqual(['done 2', 'done 3', 'done 4']);
    expect(b.stats).toEqual({ statements: 2, operations: 4, largest: 3, split: 0 });
  });

  it('never puts more than maxBatch operations, or two of the same key, in one statement', async () => {
    const c = controlled();
    const b = new Batcher(c.run, { maxBatch: 3, conflictKey: (op) => (op >= 10 ? 'same' : null) });
    const all = [1, 10, 2, 11, 3, 4, 12].map((op) => b.submit(op));
    await c.drain();
    expect(c.statements).toEqual([[1], [10, 2, 3], [11, 4], [12]]);
    expect(await Promise.all(all)).toEqual([1, 10, 2, 11, 3, 4, 12].map((op) => `done ${op}`));
  });

  it('runs each operation of a failed shared statement alone, so that only the bad one fails', async () => {
    const c = controlled();
    const b = new Batcher(c.run, { maxBatch: 64 });
    const first = b.submit(1);
    const shared = [2, -1, 3].map((op) => b.submit(op).then((v) => v, (e: Error) => e.message));
    await c.drain(); // [1], then [2, -1, 3] fails, then each alone
    expect(c.statements).toEqual([[1], [2, -1, 3], [2], [-1], [3]]);
    expect(await first).toBe('done 1');
    expect(await Promise.all(shared)).toEqual(['done 2', 'bad operation', 'done 3']);
    expect(b.stats.split).toBe(1);
  });

  it('does not run the operations of a statement alone when its connection was lost: all of them fail with that error', async () => {
    // Whether the statement took effect is unknown (it may have committed before the connection broke); run alone,
    // a create without an Idempotency-Key would be written twice.
    const c = controlled();
    const b = new Batcher(c.run, { maxBatch: 64 });
    const first = b.submit(1);
    const shared = [2, -2, 3].map((op) => b.submit(op).then((v) => v, (e: Error) => e.message));
    await c.drain();
    expect(c.statements).toEqual([[1], [2, -2, 3]]);
    expect(await first).toBe('done 1');
    expect(await Promise.all(shared)).toEqual(Array(3).fill('Connection terminated unexpectedly'));
    expect(b.stats.split).toBe(0);
  });

  it('with maxBatch 1 sends every operation alone, one after the other', async () => {
    const c = controlled();
    const b = new Batcher(c.run, { maxBatch: 1 });
    const all = [1, 2, 3].map((op) => b.submit(op));
    await c.drain();
    expect(c.statements).toEqual([[1], [2], [3]]);
    expect(await Promise.all(all)).toEqual(['done 1', 'done 2', 'done 3']);
  });
});
