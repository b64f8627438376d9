import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Async resources that would mean the import opened a socket, listened or scheduled work. */
const effects = [
  'TCPWRAP',
  'TCPSERVERWRAP',
  'PIPEWRAP',
  'PIPESERVERWRAP',
  'UDPWRAP',
  'Timeout',
  'Immediate',
];

describe('importing a controllers module', () => {
  it('only records: no socket, server, timer or immediate, and the process ends by itself', async () => {
    // A fresh process runs the sources through tsx (packages resolved to their src).
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', fixture('record-import.ts'), fixture('chat-controllers.ts')],
      {
        cwd: root,
        env: { ...process.env, TSX_TSCONFIG_PATH: `${root}tsconfig.architecture.json` },
        timeout: 15_000,
      },
    );
    const seen = JSON.parse(stdout) as {
      types: string[];
      controllers: string[];
      exports: string[];
      activeBefore: string[];
      activeAfter: string[];
    };
    // The import did happen and the decorators recorded the controller.
    expect(seen.controllers).toEqual(['ChatSocket']);
    expect(seen.exports).toEqual(expect.arrayContaining(['PresenceStore', 'providers']));
    expect(seen.types.length).toBeGreaterThan(0);
    expect(seen.types.filter((type) => effects.includes(type))).toEqual([]);
    // Nothing the import started is still alive (stdio pipes were there before it).
    expect(seen.activeAfter.sort()).toEqual(seen.activeBefore.sort());
  });
});
