import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestSchema } from '@herald/server';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test/support/run-cli.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('the demo chat as a controller', () => {
  it('compiles, as docs/demo.md shows, into a manifest of its events, replies and sent events', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-demo-manifest-'));
    const out = join(dir, 'herald.manifest.json');
    const compiled = await runCli(
      ['compile', 'packages/demo/dist/chat.js', '--out', out],
      {},
      repo,
    );
    expect(compiled.code, compiled.stderr).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    const [chat] = manifest.namespaces;
    expect(chat).toMatchObject({ controller: 'ChatSocket', path: '/chat/:chat', params: ['chat'] });
    expect(chat?.events.map((event) => [event.name, event.reply !== undefined])).toEqual([
      ['room.join', true],
      ['room.leave', true],
      ['message.send', true],
    ]);
    expect(chat?.emits.map((emitted) => emitted.name).sort()).toEqual([
      'message.receive',
      'room.joined',
      'room.left',
      'system.welcome',
    ]);
    const validated = await runCli(['validate', 'packages/demo/dist/chat.js'], {}, repo);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('1 controller, 3 events, 0 channel handlers: no problems');
  });
});
