import { describe, expect, it } from 'vitest';
import { cases } from '../../bench/suite/cases.js';

describe('bench inbound-acks case, end to end', () => {
  it('gets requests answered by every server and reports them per server', async () => {
    const inboundAcks = cases.find((c) => c.name === 'inbound-acks');
    if (!inboundAcks) throw new Error('no inbound-acks case');
    // A client counts a request only once the server's ack for it arrived.
    const result = await inboundAcks.run({
      ...inboundAcks.parameters,
      clients: 5,
      seconds: 1,
      rounds: 1,
    });
    expect(result.case).toBe('inbound-acks');
    expect(result.parameters).toMatchObject({ clients: 5, seconds: 1 });
    expect(result.metrics.map((m) => m.key)).toEqual([
      'cpuMicrosPerRequest',
      'requestsPerSecond',
      'requests',
    ]);
    for (const server of ['herald', 'ws', 'socketio'] as const) {
      const numbers = result.servers[server];
      expect(numbers?.requests).toBeGreaterThan(0);
      expect(numbers?.requestsPerSecond).toBeGreaterThan(0);
      expect(numbers?.cpuMicrosPerRequest).toBeGreaterThan(0);
      expect(result.rounds[server]).toHaveLength(1);
    }
    expect(result.ratios.requestsPerSecond?.heraldVsWs).toBeGreaterThan(0);
    expect(result.ratios.requestsPerSecond?.heraldVsSocketIo).toBeGreaterThan(0);
  }, 60_000);
});
