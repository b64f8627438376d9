import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sparePort } from '../../../test/support/private-services.js';
import { until } from '../../../test/support/until.js';
import {
  linkPackage,
  readWalkthrough,
  replayWalkthrough,
  type Replayed,
} from './support/doc-walkthrough.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
/** The documented port, which the replay moves to a spare one. */
const documentedPort = '8080';

/** Where `npm install <name>` would take a package from: this repository. */
const source = (name: string): string =>
  name.startsWith('@herald/')
    ? join(repo, 'packages', name.slice('@herald/'.length))
    : join(repo, 'node_modules', name);

let replayed: Replayed | undefined;
afterEach(() => replayed?.stop());

describe('docs/controllers.md', () => {
  it('walks from an empty folder to a running controller app and a generated client', async () => {
    const markdown = await readFile(join(repo, 'docs/controllers.md'), 'utf8');
    const steps = readWalkthrough(markdown, 'From an empty folder to a running app');
    expect(steps.map((step) => step.kind)).toEqual([
      'run',
      'file',
      'file',
      'run',
      'output',
      'background',
      'run',
      'file',
      'run',
      'output',
    ]);
    const port = String(await sparePort());
    const root = await mkdtemp(join(tmpdir(), 'herald-tutorial-'));
    replayed = await replayWalkthrough(steps, root, {
      rewrite: (text) => text.replaceAll(documentedPort, port),
      install: async (folder, packages) => {
        for (const name of packages) await linkPackage(folder, name, source(name));
      },
      ready: (output) => until(() => output().includes('serving'), 20_000).then(() => undefined),
    });
    // The manifest the walk-through compiled describes its controller.
    const app = join(root, 'chat-app');
    const manifest = JSON.parse(await readFile(join(app, 'herald.manifest.json'), 'utf8')) as {
      namespaces: { controller: string; events: { name: string }[] }[];
    };
    expect(manifest.namespaces.map((ns) => ns.controller)).toEqual(['ChatSocket']);
    expect(manifest.namespaces[0]?.events.map((event) => event.name)).toEqual([
      'room.enter',
      'message.send',
    ]);
  }, 180_000);
});
