// The layer rules of Herald's packages, checked by `npm run lint:architecture` (part of
// `npm test`; by hand: `npx depcruise packages/*/src --config .dependency-cruiser.mjs`).
// Paths are relative to the repository root; workspace packages resolve to their sources through
// tsconfig.architecture.json, so `@herald/server` is packages/server/src/index.ts here, and
// test/architecture/layer-rules.test.ts shows each rule catching what it forbids.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = '^packages/[^/]+/src/';
const SERVER = '^packages/server/src/';

/** The sources of what each package.json exports: `./dist/x.js` is built from `src/x.ts`. */
function publicEntryPoints() {
  const root = import.meta.dirname;
  return readdirSync(join(root, 'packages')).flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    return Object.values(manifest.exports ?? {})
      .map((target) => (typeof target === 'string' ? target : target.default))
      .map((target) => `packages/${dir}/${target.replace(/^\.\/dist\/(.+)\.js$/, 'src/$1.ts')}`)
      .filter((source) => source.endsWith('.ts') && existsSync(join(root, source)));
  });
}

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules form an import cycle. Type-only imports count: a cycle of `import type` still ' +
        'couples the modules. Move what both sides need into a module of its own.',
      from: { path: SOURCE },
      to: { circular: true },
    },
    {
      name: 'protocol-no-node-builtins',
      severity: 'error',
      comment: '@herald/protocol runs in browsers too: it uses no Node built-in module.',
      from: { path: '^packages/protocol/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'protocol-stands-alone',
      severity: 'error',
      comment:
        '@herald/protocol is the bottom layer: it imports no other Herald package and nothing ' +
        'outside its own src (npm packages aside).',
      from: { path: '^packages/protocol/src/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: ['^packages/protocol/src/', '(^|/)node_modules/'],
      },
    },
    {
      name: 'client-not-server-side',
      severity: 'error',
      comment:
        '@herald/client bundles for browsers: it never imports the server, a broker, the CLI ' +
        'or the demo.',
      from: { path: '^packages/client/src/' },
      to: { path: '^packages/(server|redis|nats|emitter|cli|demo)/' },
    },
    {
      name: 'only-public-entry-points',
      severity: 'error',
      comment:
        'A package uses another only through what its package.json exports (`@herald/server`, ' +
        '`@herald/protocol`, `@herald/protocol/msgpack` …), never a deep import of its internals.',
      from: { path: '^packages/([^/]+)/src/' },
      to: {
        path: '^packages/',
        pathNot: ['^packages/$1/', ...publicEntryPoints().map((entry) => `^${escape(entry)}$`)],
      },
    },
    {
      name: 'no-relative-import-across-packages',
      severity: 'error',
      comment: 'A relative path into another package bypasses its package.json; import it by name.',
      from: { path: '^packages/([^/]+)/src/' },
      to: { dependencyTypesNot: ['aliased'], path: '^packages/', pathNot: '^packages/$1/' },
    },
    {
      name: 'no-test-code-in-sources',
      severity: 'error',
      comment: 'Sources never import tests, test support or test tooling.',
      // Unit tests sit beside their modules; they are not sources.
      from: { path: SOURCE, pathNot: '\\.test\\.ts$' },
      to: {
        path: [
          '(^|/)test/',
          '\\.(test|spec)\\.[cm]?[jt]s$',
          '(^|/)node_modules/(vitest|@vitest/[^/]+|fast-check|playwright-core)/',
        ],
      },
    },
    // The server's folders form four layers (docs/architecture.md); a module imports only from its
    // own layer or the layers below. Two exceptions: options.ts gathers every group's option
    // schema, and the Broker contract carries the types-only cluster commands.
    {
      name: 'server-base-layer',
      severity: 'error',
      comment:
        'broker/, validation/, transport/, audit/, tracing/, proxy/ and errors.ts are the base: they ' +
        'import nothing above them (see docs/architecture.md).',
      from: {
        path: `${SERVER}(broker|validation|transport|audit|tracing|proxy)/|${SERVER}errors\\.ts$`,
      },
      to: {
        path: `${SERVER}`,
        pathNot: [
          `${SERVER}(broker|validation|transport|audit|tracing|proxy)/`,
          `${SERVER}(errors|options)\\.ts$`,
          `${SERVER}cluster/cluster-command\\.ts$`,
        ],
      },
    },
    {
      name: 'server-core-layer',
      severity: 'error',
      comment:
        'connection/, channels/, auth/ and limits/ import only their layer and the base (see ' +
        'docs/architecture.md).',
      from: { path: `${SERVER}(connection|channels|auth|limits)/` },
      to: {
        path: `${SERVER}(admission|namespace|cluster|guards|middleware|gateway|http|metrics|controllers)/|${SERVER}(gateway|index)\\.ts$`,
      },
    },
    {
      name: 'server-edge-layer',
      severity: 'error',
      comment:
        'admission/, namespace/, cluster/, guards/ and middleware/ never import the front: ' +
        'gateway.ts, index.ts, gateway/, http/, metrics/, controllers/ (see docs/architecture.md).',
      from: { path: `${SERVER}(admission|namespace|cluster|guards|middleware)/` },
      to: { path: `${SERVER}(gateway|http|metrics|controllers)/|${SERVER}(gateway|index)\\.ts$` },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every import resolves, so the rules above see where it leads (a subpath that an npm ' +
        'package does not export does not resolve).',
      from: { path: SOURCE },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.architecture.json' },
    doNotFollow: { path: '(^|/)node_modules/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    skipAnalysisNotInRules: true,
  },
};
