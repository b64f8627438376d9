import { describe, it } from 'vitest';
import { churnLeavesNothing } from './support/churn-scenario.js';

describe('nothing is left behind', () => {
  it('frees channels, presence and counters after clean, abrupt and mid-request disconnects', () =>
    churnLeavesNothing());
});
