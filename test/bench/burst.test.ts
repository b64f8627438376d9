import { describe, expect, it } from 'vitest';
import { cases } from '../../bench/suite/cases.js';

describe('bench burst case, end to end', () => {
  it('runs every server in its own process and each delivers everything', async () => {
    const burst = cases.find((c) => c.name === 'burst');
    if (!burst) throw new Error('no burst case');
    // A round resolves only once every client worker has received every publication.
    const result = await burst.run({
      ...burst.parameters,
      subscribers: 20,
      messages: 20,
      rounds: 1,
    });
    expect(result.case).toBe('burst');
    expect(result.node).toBe(process.version);
    expect(result.parameters).toMatchObject({ subscribers: 20, messages: 20 });
    for (const server of ['herald', 'ws', 'socketio'] as const) {
      const numbers = result.servers[server];
      expect(numbers?.deliveriesPerSecond).toBeGreaterThan(0);
      expect(numbers?.cpuMicrosPerDelivery).toBeGreaterThan(0);
      expect(result.rounds[server]).toHaveLength(1);
    }
    expect(result.ratios.cpuMicrosPerDelivery?.heraldVsWs).toBeGreaterThan(0);
    expect(result.ratios.cpuMicrosPerDelivery?.heraldVsSocketIo).toBeGreaterThan(0);
  }, 60_000);
});
