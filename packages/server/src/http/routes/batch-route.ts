import { z } from 'zod';
import { errorAnswer } from '../error-answer.js';
import type { ErrorBody } from '../http-error.js';
import { apiRoute, type ApiRoute } from './api-route.js';

type BatchResult = { result: unknown } | { error: ErrorBody };

/**
 * `POST /batch`: up to 100 calls of the endpoints that name a batch method, run one after the
 * other in order. The whole batch is validated first (a bad one names `requests.2.params.event`
 * and runs nothing); then each call succeeds or fails on its own.
 */
export function batchRoute(table: readonly ApiRoute[]): ApiRoute {
  const callable = table.filter((route) => route.batch !== undefined);
  const byMethod = new Map(callable.map((route) => [route.batch as string, route]));
  const call = z.discriminatedUnion(
    'method',
    callable.map((route) =>
      z.object({ method: z.literal(route.batch as string), params: route.input }),
    ) as [z.ZodObject<{ method: z.ZodLiteral<string>; params: z.ZodType }>],
  );
  return apiRoute({
    method: 'POST',
    path: '/batch',
    summary: 'several calls in one request, answered in order',
    input: z.object({ requests: z.array(call).min(1).max(100) }),
    run: async (gateway, body) => {
      const results: BatchResult[] = [];
      for (const [index, request] of body.requests.entries()) {
        const route = byMethod.get(request.method) as ApiRoute;
        try {
          results.push({ result: await route.run(gateway, request.params) });
        } catch (error) {
          const context = { batch: index, method: request.method };
          results.push({ error: errorAnswer(error, gateway.logger, context).body });
        }
      }
      return { results };
    },
  });
}
