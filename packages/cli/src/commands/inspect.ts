import type { Command } from 'commander';
import type { Manifest, ManifestGuard, ManifestNamespace } from '@herald/server';
import { apiClient, withApiOptions, type ApiFlags } from '../admin/connection-options.js';
import { printAnswer } from '../admin/output.js';
import { formatTable, type Cell } from '../admin/table.js';
import { readManifest } from '../controllers/manifest-file.js';
import { projectPaths } from '../controllers/project-paths.js';
import { schemaShape } from '../controllers/schema-shape.js';

interface InspectFlags extends ApiFlags {
  manifest?: string;
  key?: string;
  config?: string;
}

/**
 * `herald inspect`: the namespaces, their events and channel handlers, from a manifest file or
 * from a running gateway (`GET /api/manifest`).
 */
export function registerInspectCommand(program: Command): void {
  withApiOptions(
    program
      .command('inspect')
      .description("a manifest's namespaces, events and channel handlers, or a running gateway's")
      .option('--manifest <file>', 'the manifest file (default: herald.manifest.json)')
      .option('--key <key>', 'the API key, as --api-key')
      .option('-c, --config <file>', 'the config file naming the manifest'),
  ).action(async (flags: InspectFlags, command: Command) => {
    // The server is asked only when its URL was given: else the project's manifest is read.
    const fromServer =
      flags.manifest === undefined && command.getOptionValueSource('url') !== 'default';
    const manifest = fromServer
      ? await apiClient({ ...flags, apiKey: flags.key ?? flags.apiKey }).manifest()
      : await readManifest(flags.manifest ?? (await projectPaths(flags.config)).manifest);
    printAnswer(flags.json, manifest, manifestText);
  });
}

const guardsText = (guards: readonly ManifestGuard[]): string =>
  guards
    .map(({ name, priority }) => (priority === 0 ? name : `${name} (priority ${priority})`))
    .join(', ');

function namespaceText(namespace: ManifestNamespace): string {
  const heading = [`${namespace.path}  ${namespace.controller}`];
  if (namespace.guards.length > 0)
    heading.push(`  handshake guards: ${guardsText(namespace.guards)}`);
  if (namespace.inject.length > 0) heading.push(`  inject: ${namespace.inject.join(', ')}`);
  const rows: Cell[][] = [
    ...namespace.connect.map((method) => ['connect', '', '', '', '', '', method]),
    ...namespace.events.map((event) => [
      'event',
      event.name,
      event.ack ? 'yes' : '',
      event.schema ? schemaShape(event.schema) : '',
      event.reply ? schemaShape(event.reply) : '',
      guardsText(event.guards),
      event.method,
    ]),
    ...namespace.emits.map((emitted) => [
      'emits',
      emitted.name,
      '',
      emitted.schema ? schemaShape(emitted.schema) : '',
    ]),
    ...namespace.channels.map((handler) => [
      handler.kind,
      handler.pattern,
      '',
      '',
      '',
      '',
      handler.method,
    ]),
    ...namespace.disconnect.map((method) => ['disconnect', '', '', '', '', '', method]),
  ];
  const headings = ['kind', 'name', 'ack', 'payload', 'reply', 'guards', 'method'];
  return `${heading.join('\n')}\n${formatTable(headings, rows, 'no handlers')}`;
}

function manifestText(manifest: Manifest): string {
  const parts = manifest.namespaces.map(namespaceText);
  if (manifest.namespaces.length === 0) parts.push('no namespaces');
  if (manifest.providers.length > 0) {
    const providers = manifest.providers.map(({ token, lifetime, inject }) =>
      inject.length > 0
        ? `${token} (${lifetime}, needs ${inject.join(', ')})`
        : `${token} (${lifetime})`,
    );
    parts.push(`providers: ${providers.join(', ')}`);
  }
  return parts.join('\n\n');
}
