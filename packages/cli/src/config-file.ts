import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  adminJwtOptionsSchema,
  gatewayOptionsSchema,
  namespaceOptionsSchema,
  namespacePatternSchema,
} from '@herald/server';
import { brokerTypes } from './broker.js';
import { ServeConfigError } from './errors.js';
import { validate } from './validation-messages.js';

export const portSchema = z.number().int().min(0).max(65_535);

/** An HTTP path the server answers at (`/api`, `/dashboard`). */
const httpPath = z.string().regex(/^\/[^?#\s]*$/, 'must be a path starting with /');

/**
 * The `--config` file. Strict at every level: an unknown (misspelled) key is refused rather
 * than ignored. A file cannot set what JSON cannot hold (`logger`, `codecs`); the broker is
 * chosen with the top-level `broker`.
 */
const serveFileSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: portSchema.optional(),
  broker: z
    .strictObject({
      type: z.enum(brokerTypes),
      url: z.string().min(1).optional(),
      prefix: z.string().min(1).optional(),
    })
    .optional(),
  gateway: gatewayOptionsSchema.omit({ logger: true, broker: true, codecs: true }).optional(),
  namespaces: z.record(namespacePatternSchema, namespaceOptionsSchema).optional(),
  api: z
    .strictObject({
      key: z.string().min(1).optional(),
      path: httpPath.optional(),
      jwt: adminJwtOptionsSchema.optional(),
    })
    .optional(),
  dashboard: z
    .strictObject({ enabled: z.boolean().optional(), path: httpPath.optional() })
    .optional(),
});

/** The file as written: the gateway fills in the defaults once the environment is merged over it. */
export type ServeFile = z.input<typeof serveFileSchema>;

/** Reads and validates the config file; every error starts with its path. */
export async function readServeFile(path: string): Promise<ServeFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'unreadable';
    throw new ServeConfigError(`${path}: cannot read the config file (${reason})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ServeConfigError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const result = validate(serveFileSchema, json, path);
  if (!result.ok) throw new ServeConfigError(result.problems.join('\n'));
  return json as ServeFile;
}
