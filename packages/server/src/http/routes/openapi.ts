import { z } from 'zod';
import { serverVersion } from '../../cluster/node-info.js';
import type { ApiRoute } from './api-route.js';

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
};

/** A request schema as JSON Schema: what the validator accepts (its input side). */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const converted = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  // The document's own dialect (3.1: JSON Schema 2020-12) applies; no need to repeat it.
  delete converted.$schema;
  return converted;
}

const errorSchema = jsonSchema(
  z.object({
    code: z.string().describe('a stable WS_… code'),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
);

const json = (schema: unknown) => ({ 'application/json': { schema } });

/** `GET /presence/stats` → `getPresenceStats`. */
function operationId(route: ApiRoute): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return route.method.toLowerCase() + words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('');
}

function operation(route: ApiRoute): Record<string, unknown> {
  const schema = jsonSchema(route.input);
  const input =
    route.method === 'GET'
      ? {
          parameters: Object.entries(schema.properties ?? {}).map(([name, property]) => ({
            name,
            in: 'query',
            required: schema.required?.includes(name) ?? false,
            schema: property,
            ...(typeof property.description === 'string' && { description: property.description }),
          })),
        }
      : { requestBody: { required: true, content: json(schema) } };
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...input,
    responses: {
      200: { description: 'done', content: json({ type: 'object' }) },
      default: { description: 'a refusal', content: json({ $ref: '#/components/schemas/Error' }) },
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API mounted at `basePath`, built from the route table: every
 * route is in it, with the very schema that validates its requests.
 */
export function openApiDocument(table: readonly ApiRoute[], basePath: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {
    '/openapi.json': {
      get: {
        operationId: 'getOpenapi',
        summary: 'this document; needs no key',
        security: [],
        responses: { 200: { description: 'the OpenAPI document', content: json({}) } },
      },
    },
  };
  for (const route of table) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Herald server API',
      version: serverVersion,
      description: 'Publish, manage connections and read state across every node of a cluster.',
    },
    servers: [{ url: basePath || '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'the API key, or an admin JWT' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
