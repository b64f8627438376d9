import {
  channelNamePattern,
  ErrorCodes,
  FieldLimits,
  HeraldError,
  type ErrorDetail,
} from '@herald/protocol';
import {
  tenantIdPattern,
  type Exclusion,
  type HistoryRetention,
  type Target,
} from '@herald/server';

/**
 * The emitter checks what it sends as the gateway checks what clients send, before anything
 * reaches the broker: a publication or event the gateways or their clients would refuse must
 * fail here, in the sending process, with an error naming the field.
 */

/** Most publications a channel's history may keep, as a channel policy allows. */
const maxHistorySize = 1_000_000;

const targetFields: readonly (keyof Target)[] = [
  'channel',
  'user',
  'tenant',
  'role',
  'permission',
  'namespace',
  'connection',
];

function refuse(path: string, message: string): never {
  const detail: ErrorDetail = { path, message };
  throw new HeraldError(ErrorCodes.WS_MESSAGE_INVALID, `invalid ${path}: ${message}`, [detail]);
}

function checkString(value: unknown, path: string, maxLength: number): asserts value is string {
  if (typeof value !== 'string') refuse(path, 'must be a string');
  if (value.length === 0) refuse(path, 'must not be empty');
  if (value.length > maxLength) refuse(path, `must be at most ${maxLength} characters`);
}

/** A channel as a client names it: the gateway's own `$` channels are not the emitter's. */
export function checkChannel(channel: unknown): asserts channel is string {
  checkString(channel, 'channel', FieldLimits.channelLength);
  if (!channelNamePattern.test(channel)) {
    refuse('channel', 'must not contain spaces or control characters');
  }
  if (channel.startsWith('$')) refuse('channel', 'must not start with $');
}

export function checkEvent(event: unknown): asserts event is string {
  checkString(event, 'event', FieldLimits.eventLength);
}

export function checkTenant(tenant: unknown, path = 'tenant'): asserts tenant is string {
  if (typeof tenant !== 'string' || !tenantIdPattern.test(tenant)) {
    refuse(path, 'must be 1 to 64 letters, digits, "_", "." or "-"');
  }
}

export function checkHistory(history: unknown): asserts history is HistoryRetention {
  if (typeof history !== 'object' || history === null) {
    refuse('history', 'must be an object { size, ttl }');
  }
  const { size, ttl } = history as Record<string, unknown>;
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > maxHistorySize) {
    refuse('history.size', `must be an integer from 1 to ${maxHistorySize}`);
  }
  if (!Number.isInteger(ttl) || (ttl as number) < 0) {
    refuse('history.ttl', 'must be a non-negative integer (milliseconds; 0: no expiry)');
  }
}

/** A user, role, connection id … as a target or exclusion names it. */
export function checkName(value: unknown, path: string): asserts value is string {
  checkString(value, path, FieldLimits.channelLength);
}

export function checkTargets(targets: readonly unknown[]): asserts targets is Target[] {
  targets.forEach((target, index) => {
    const path = `to[${index}]`;
    if (typeof target !== 'object' || target === null || Array.isArray(target)) {
      refuse(path, 'must be an object such as { user } or { channel }');
    }
    for (const [field, value] of Object.entries(target)) {
      if (!targetFields.includes(field as keyof Target)) {
        refuse(`${path}.${field}`, `is not a target field (${targetFields.join(', ')})`);
      }
      checkName(value, `${path}.${field}`);
    }
  });
}

/** `.except({ user })` or `.except({ connection })`: anything else would silently exclude no one. */
export function checkExclusion(except: Exclusion): void {
  except.users.forEach((user, index) => checkName(user, `except.users[${index}]`));
  except.connections.forEach((id, index) => checkName(id, `except.connections[${index}]`));
}
