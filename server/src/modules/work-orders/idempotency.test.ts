import { describe, expect, it } from 'vitest';
import { requestHash } from './idempotency.repo.js';

describe('requestHash', () => {
  const body = { title: '井盖破损 "A"', requestType: 'complaint', reporter: { phone: '13900001234', name: '李四' }, tags: [3, { b: 1, a: [null, true, 'x'] }], zeta: null, empty: {}, arr: [], skip: undefined, n: 1.5e-7, é: 1, Z: 2 };

  it('is the same whatever order the client wrote the keys in, and leaves absent values out', () => {
    const reordered = { Z: 2, é: 1, n: 1.5e-7, arr: [], empty: {}, zeta: null, tags: [3, { a: [null, true, 'x'], b: 1 }], reporter: { name: '李四', phone: '13900001234' }, requestType: 'complaint', title: '井盖破损 "A"' };
    expect(requestHash(reordered)).toBe(requestHash(body));
    expect(requestHash({ ...body, title: '井盖破损' })).not.toBe(requestHash(body));
    expect(requestHash({ tags: [1, 2] })).not.toBe(requestHash({ tags: [2, 1] }));
  });

  // The value the earlier encoding (map, filter, sort, join) gave: a key stored before an upgrade still matches.
  it('keeps its value across releases (a retry after an upgrade within the key’s lifetime is still recognised)', () => {
    expect(requestHash(body)).toBe('67f5a1605d1ec205bee3754938bbaf3681316398d58d9f52d11713ad38dc3fa1');
  });
});
