import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos/chaos.js';

// The short chaos run: one round of every fault on each broker (`npm run chaos` runs longer).

describe.each(['redis', 'nats'] as const)('chaos on %s, short', (broker) => {
  it('loses nothing acked, duplicates nothing, reports every gap, converges and leaves nothing behind', async () => {
    const result = await runChaos({
      broker,
      rounds: 1,
      faultMs: 1_500,
      settleMs: 2_500,
      subscribers: 9,
      publishEvery: 25,
    });
    expect(result.faults.map((fault) => fault.name)).toEqual([
      'broker killed and restarted',
      'broker frozen (SIGSTOP) and thawed',
      'gateway SIGKILLed and restarted',
      'client connections cut',
      'rolling restart by SIGTERM',
    ]);
    expect(result.acked).toBeGreaterThan(500);
    expect(result.ackedAndLost).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.presence).toMatchObject({ converged: true, expected: 12 });
    expect(result.leaks).toMatchObject({ channels: [], presence: 0 });
    expect(result.leaks.timers.every((count) => count <= result.leaks.timersOfAFreshNode)).toBe(
      true,
    );
    expect(result.ok).toBe(true);
  }, 180_000);
});
