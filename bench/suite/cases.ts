import type { Case } from './case.js';
import { burst, trickle } from './cases/fanout.js';
import { cluster } from './cases/cluster.js';
import { connectRate } from './cases/connect-rate.js';
import { idleMemory } from './cases/idle-memory.js';
import { inboundAcks } from './cases/inbound-acks.js';
import { latency } from './cases/latency.js';
import { toUser } from './cases/to-user.js';
import { writeDelay } from './cases/write-delay.js';

export type { Case } from './case.js';

/** Every case, in the order `npm run bench` runs them and the README shows them. */
export const cases: Case[] = [
  burst,
  trickle,
  writeDelay,
  latency,
  inboundAcks,
  idleMemory,
  toUser,
  connectRate,
  cluster,
];
