import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import extractDepcruiseConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LayerViolation, layerViolations } from '../../scripts/architecture/layer-rules.js';

const repoRoot = join(import.meta.dirname, '..', '..');

/** A small workspace: what the rules allow, then one breach of each rule. */
const files: Record<string, string> = {
  // Allowed: each package through its entry points, npm packages, Node built-ins off protocol.
  'packages/protocol/src/index.ts': "export type { Frame } from './frames.js';\n",
  'packages/protocol/src/frames.ts': 'export type Frame = { type: string };\n',
  'packages/protocol/src/msgpack-codec.ts': "export { encode } from '@msgpack/msgpack';\n",
  'packages/server/src/index.ts':
    "import type { Frame } from '@herald/protocol';\nexport type Gateway = { last?: Frame };\n",
  'packages/server/src/gateway.ts': 'export const internal = 1;\n',
  'packages/server/test/support/fixture.ts': 'export const fixture = 1;\n',
  'packages/client/src/index.ts':
    "import type { Frame } from '@herald/protocol';\nexport { encode } from '@herald/protocol/msgpack';\nexport type Client = { last?: Frame };\n",
  'packages/client/src/msgpack.ts': "export { encode } from '@herald/protocol/msgpack';\n",
  'packages/redis/src/index.ts':
    "import { createServer } from 'node:http';\nimport type { Gateway } from '@herald/server';\nexport type RedisBroker = { gateway?: Gateway; server?: typeof createServer };\n",
  'packages/demo/src/index.ts':
    "import type { Gateway } from '@herald/server';\nexport { encode } from '@herald/client/msgpack';\nexport type Demo = { gateway?: Gateway };\n",

  // no-circular: a cycle of type-only imports.
  'packages/client/src/cycle-a.ts':
    "import type { B } from './cycle-b.js';\nexport type A = { b?: B };\n",
  'packages/client/src/cycle-b.ts':
    "import type { A } from './cycle-a.js';\nexport type B = { a?: A };\n",
  // protocol-no-node-builtins: with and without the node: prefix.
  'packages/protocol/src/hash.ts':
    "import { createHash } from 'node:crypto';\nimport { readFileSync } from 'fs';\nexport const hash = [createHash, readFileSync];\n",
  // protocol-stands-alone: another Herald package by name, and by a relative path.
  'packages/protocol/src/upward.ts':
    "import type { Gateway } from '@herald/server';\nimport type { Client } from '../../client/src/index.js';\nexport type Upward = [Gateway, Client];\n",
  // client-not-server-side
  'packages/client/src/server-side.ts':
    "import type { Gateway } from '@herald/server';\nexport type ServerSide = Gateway;\n",
  // only-public-entry-points: the server's and the protocol's internals by subpath.
  'packages/nats/src/deep.ts':
    "import { internal } from '@herald/server/gateway.js';\nexport const deep = internal;\n",
  'packages/cli/src/deep.ts':
    "import type { Frame } from '@herald/protocol/frames.js';\nexport type Deep = Frame;\n",
  // no-relative-import-across-packages: even to the entry point.
  'packages/demo/src/relative.ts':
    "import type { Gateway } from '../../server/src/index.js';\nexport type Relative = Gateway;\n",
  // no-test-code-in-sources: test support and test tooling.
  'packages/server/src/testing.ts':
    "import { fixture } from '../test/support/fixture.js';\nimport { expect } from 'vitest';\nexport const testing = [fixture, expect];\n",
  // server-base-layer, server-core-layer, server-edge-layer: an import from a lower layer of the
  // server up to a higher one; the allowed exception (the broker carries cluster commands) beside.
  'packages/server/src/cluster/cluster-command.ts':
    'export type ClusterCommand = { type: string };\n',
  'packages/server/src/connection/socket-connection.ts':
    'export type SocketConnection = { id: string };\n',
  'packages/server/src/namespace/namespace.ts': 'export type Namespace = { path: string };\n',
  'packages/server/src/http/listen.ts': 'export type Listen = { port: number };\n',
  'packages/server/src/broker/broker.ts':
    "import type { ClusterCommand } from '../cluster/cluster-command.js';\nimport type { SocketConnection } from '../connection/socket-connection.js';\nexport type Broker = [ClusterCommand, SocketConnection];\n",
  'packages/server/src/channels/access.ts':
    "import type { Namespace } from '../namespace/namespace.js';\nexport type Access = Namespace;\n",
  'packages/server/src/cluster/local-node.ts':
    "import type { Listen } from '../http/listen.js';\nexport type LocalNode = Listen;\n",
  // not-to-unresolvable
  'packages/redis/src/nowhere.ts':
    "import type { Nothing } from '@herald/nowhere';\nexport type Nowhere = Nothing;\n",
};

const expected = [
  'client-not-server-side: packages/client/src/server-side.ts → packages/server/src/index.ts',
  'no-circular: packages/client/src/cycle-a.ts → packages/client/src/cycle-b.ts',
  'no-relative-import-across-packages: packages/demo/src/relative.ts → packages/server/src/index.ts',
  'no-relative-import-across-packages: packages/protocol/src/upward.ts → packages/client/src/index.ts',
  'no-test-code-in-sources: packages/server/src/testing.ts → node_modules/vitest',
  'no-test-code-in-sources: packages/server/src/testing.ts → packages/server/test/support/fixture.ts',
  'not-to-unresolvable: packages/redis/src/nowhere.ts → @herald/nowhere',
  'only-public-entry-points: packages/cli/src/deep.ts → packages/protocol/src/frames.ts',
  'only-public-entry-points: packages/nats/src/deep.ts → packages/server/src/gateway.ts',
  'protocol-no-node-builtins: packages/protocol/src/hash.ts → crypto',
  'protocol-no-node-builtins: packages/protocol/src/hash.ts → fs',
  'protocol-stands-alone: packages/protocol/src/upward.ts → packages/client/src/index.ts',
  'protocol-stands-alone: packages/protocol/src/upward.ts → packages/server/src/index.ts',
  'server-base-layer: packages/server/src/broker/broker.ts → packages/server/src/connection/socket-connection.ts',
  'server-core-layer: packages/server/src/channels/access.ts → packages/server/src/namespace/namespace.ts',
  'server-edge-layer: packages/server/src/cluster/local-node.ts → packages/server/src/http/listen.ts',
];

/** `rule: from → to`, with an npm package named by its folder in node_modules. */
function describeViolation({ rule, from, to }: LayerViolation): string {
  return `${rule.name}: ${from} → ${to.replace(/^.*(node_modules\/[^/]+)\/.*$/, '$1')}`;
}

describe('layer rules (.dependency-cruiser.mjs)', () => {
  let dir: string;
  let violations: LayerViolation[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-layers-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    // The repository's own mapping from package names to sources, applied to this tree.
    const { paths } = extractTSConfig(join(repoRoot, 'tsconfig.architecture.json')).options;
    const tsConfig = join(dir, 'tsconfig.json');
    await writeFile(tsConfig, JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }));
    violations = await layerViolations({ baseDir: dir, tsConfig });
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports each breach, and nothing the rules allow', () => {
    expect(violations.map(describeViolation).sort()).toEqual(expected);
  });

  it('has a breach above for every rule in the configuration', async () => {
    const config = await extractDepcruiseConfig(join(repoRoot, '.dependency-cruiser.mjs'));
    const rules = (config.forbidden ?? []).map((rule) => rule.name).sort();
    expect(new Set(violations.map((violation) => violation.rule.name))).toEqual(new Set(rules));
  });
});
