import type { Manifest, ManifestProblem } from '@herald/server';
import { plural } from '../admin/output.js';
import { ackReturnTypes } from './rules/ack-return-types.js';
import { duplicateEvents } from './rules/duplicate-events.js';
import { emitsWithoutSchema } from './rules/emits-without-schema.js';
import { missingProviders } from './rules/missing-providers.js';
import { pathConflicts } from './rules/path-conflicts.js';

/** What `herald validate` found, and the one-line summary it ends with. */
export interface Validation {
  problems: ManifestProblem[];
  summary: string;
}

/**
 * Runs every rule of `herald validate` (docs/cli.md) on a manifest built from `entry`; `built` are
 * the problems the manifest builder found (schemas that do not convert, bad patterns).
 */
export function validateControllers(
  manifest: Manifest,
  built: readonly ManifestProblem[],
  entry: string,
): Validation {
  const acks = ackReturnTypes(manifest, entry);
  const problems = [
    ...built,
    ...pathConflicts(manifest),
    ...duplicateEvents(manifest),
    ...emitsWithoutSchema(manifest),
    ...missingProviders(manifest),
    ...('problems' in acks ? acks.problems : []),
  ];
  const { namespaces } = manifest;
  const counted = [
    plural(namespaces.length, 'controller'),
    plural(
      namespaces.reduce((sum, { events }) => sum + events.length, 0),
      'event',
    ),
    plural(
      namespaces.reduce((sum, { channels }) => sum + channels.length, 0),
      'channel handler',
    ),
  ].join(', ');
  const found = problems.length === 0 ? 'no problems' : plural(problems.length, 'problem');
  const skipped =
    'skipped' in acks ? ` (return types of ack events not checked: ${acks.skipped})` : '';
  return { problems, summary: `${counted}: ${found}${skipped}` };
}

/** `ChatSocket.send: event 'message.send' is ...`. */
export const problemLine = ({ controller, member, message }: ManifestProblem): string =>
  `${controller}.${member}: ${message}`;
