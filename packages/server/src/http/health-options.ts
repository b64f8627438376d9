import { z } from 'zod';

/** What `/health/ready` requires; see docs/observability.md ("Health checks"). */
export const healthOptionsSchema = z.strictObject({
  /**
   * `/health/ready` answers 503 while the broker cannot reach its backend, so that a load
   * balancer sends new clients to nodes that can publish. Off: only shutdown makes it 503.
   */
  readyRequiresBroker: z.boolean().default(false),
});

export type HealthOptions = z.input<typeof healthOptionsSchema>;
