/**
 * An application process that uses the emitter as users do: `@herald/emitter` as built, no
 * gateway in the process. It reads one JSON step per stdin line and answers each on stdout; when
 * stdin ends it closes the emitter and exits by itself, which it can only do once the emitter
 * released its connection.
 *
 * argv[2]: `{ "url": "redis://…", "prefix": "…", "instance": true }` (`instance`: build the
 * broker and pass it as `broker` instead of passing the URL).
 */
import { createInterface } from 'node:readline';
import { createEmitter, type EmitterOptions } from '@herald/emitter';
import { NatsBroker } from '@herald/nats';
import { RedisBroker } from '@herald/redis';
import type { Excluded, Target } from '@herald/server';

interface Setup {
  url: string;
  prefix: string;
  instance?: boolean;
}

export type Step =
  | { op: 'publish'; args: unknown[] }
  | { op: 'emit'; to: Target[]; except?: Excluded[]; event: string; payload?: unknown }
  | { op: 'broadcastToTenant'; args: unknown[] };

const setup = JSON.parse(process.argv[2] ?? '{}') as Setup;

function options({ url, prefix, instance }: Setup): EmitterOptions {
  if (!instance) return { url, prefix };
  const broker = url.startsWith('nats:')
    ? new NatsBroker({ servers: url, prefix })
    : new RedisBroker({ url, prefix });
  return { broker };
}

const emitter = createEmitter(options(setup));

async function run(step: Step): Promise<unknown> {
  switch (step.op) {
    case 'publish':
      return (emitter.publish as (...args: unknown[]) => Promise<unknown>)(...step.args);
    case 'broadcastToTenant':
      return (emitter.broadcastToTenant as (...args: unknown[]) => Promise<unknown>)(...step.args);
    case 'emit': {
      const [first = {}, ...more] = step.to;
      let broadcast = emitter.to(first);
      for (const target of more) broadcast = broadcast.to(target);
      for (const excluded of step.except ?? []) broadcast = broadcast.except(excluded);
      return broadcast.emit(step.event, step.payload);
    }
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  let answer: object;
  try {
    answer = { ok: true, result: (await run(JSON.parse(line) as Step)) ?? null };
  } catch (error) {
    const { name, message, code, details } = error as Record<string, unknown>;
    answer = { ok: false, name, message, code, details };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
await emitter.close();
