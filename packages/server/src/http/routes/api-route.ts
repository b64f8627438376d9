import type { z } from 'zod';
import type { Gateway } from '../../gateway.js';

/** The names requests of a batch use for the endpoints they may call. */
export type BatchMethod =
  | 'publish'
  | 'broadcast'
  | 'subscribe'
  | 'unsubscribe'
  | 'disconnect'
  | 'refresh'
  | 'history.remove'
  | 'presence'
  | 'presence.stats'
  | 'history'
  | 'channels'
  | 'info';

/**
 * One endpoint: where it is, the zod schema of its input (the query of a GET, the JSON body of a
 * POST), which both validates requests and describes them in the OpenAPI document, and what it
 * does with the parsed input.
 */
export interface ApiRoute<Input extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST';
  /** Below the API's base path. */
  path: string;
  /** Its name inside a batch; absent for endpoints a batch cannot call. */
  batch?: BatchMethod;
  summary: string;
  input: Input;
  run(gateway: Gateway, input: z.output<Input>): Promise<unknown>;
}

/** Declares a route with its input's type inferred from its schema. */
export function apiRoute<Input extends z.ZodType>(route: ApiRoute<Input>): ApiRoute {
  return route as unknown as ApiRoute;
}
