import { describe, expect, it } from 'vitest';
import { progressOf, showsSteps, textToCome } from './progress';

describe('the tracking page', () => {
  it('shows the six steps unless the order stopped (不予受理 showed 受理 as its current step)', () => {
    expect(showsSteps(progressOf('rejected'))).toBe(false);
    expect(showsSteps(progressOf('cancelled'))).toBe(false);
    for (const status of ['received', 'dispatched', 'in_progress', 'closed', 'rated', 'answered', 'under_review']) expect(showsSteps(progressOf(status)), status).toBe(true);
  });

  it('promises a text message only while one is still to come', () => {
    for (const status of ['received', 'accepted', 'dispatched', 'in_progress', 'suspended', 'reported', 'verified', 'under_review', 'merged']) expect(textToCome(status), status).toBe(true);
    for (const status of ['answered', 'rejected', 'closed', 'rated', 'cancelled']) expect(textToCome(status), status).toBe(false);
  });
});
