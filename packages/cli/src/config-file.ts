import { z } from 'zod';
import {
  adminJwtOptionsSchema,
  gatewayOptionsSchema,
  namespaceOptionsSchema,
  namespacePatternSchema,
} from '@herald/server';
import { brokerTypes } from './broker.js';
import { readJsonFile } from './json-file.js';
import { redisShapeFields } from './redis-shape.js';

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
      ...redisShapeFields,
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
  metrics: z
    .strictObject({ enabled: z.boolean().optional(), path: httpPath.optional() })
    .optional(),
  /** The controllers module (docs/manifest.md), relative to this file's folder. */
  controllers: z.string().min(1).optional(),
  /** The manifest `herald compile` writes and `herald serve` checks, relative to this file. */
  manifest: z.string().min(1).optional(),
});

/** The file as written: the gateway fills in the defaults once the environment is merged over it. */
export type ServeFile = z.input<typeof serveFileSchema>;

/** Reads and validates the config file; every error starts with its path. */
export async function readServeFile(path: string): Promise<ServeFile> {
  return readJsonFile(path, serveFileSchema, 'the config file');
}
