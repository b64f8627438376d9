import type { TransportName } from '../transport/framing.js';
import type { Connection } from '../connection/connection.js';
import { reservedChannelPrefix } from '../channels/channel-names.js';

/**
 * A set of connections, anywhere in the cluster. Every field given must match (so
 * `{ tenant: 'acme', role: 'admin' }` is acme's admins); `{}` is every connection.
 */
export interface Target {
  /** Subscribed to this channel. */
  channel?: string;
  /** Every connection of this user. */
  user?: string;
  tenant?: string;
  role?: string;
  permission?: string;
  /** On the namespace declared with this pattern (`/chat/:room`). */
  namespace?: string;
  /** One connection, by id. */
  connection?: string;
}

/** Connections and users left out of a broadcast. */
export interface Exclusion {
  connections: string[];
  users: string[];
}

/** What `.except()` takes: a connection, or `{ connection: id }`, or `{ user: id }`. */
export type Excluded = Connection | { connection: string } | { user: string };

/** A serialisable description of one connection, as `fetchConnections` returns it. */
export interface ConnectionInfo {
  id: string;
  namespace: string;
  params: Record<string, string>;
  userId?: string;
  tenant?: string;
  roles: string[];
  permissions: string[];
  scopes: string[];
  /** Channels it is in (the gateway's own `$` channels left out). */
  channels: string[];
  remoteAddress: string;
  /** `websocket`, or the HTTP fallback it came over (`sse`, `http-stream`). */
  transport: TransportName;
  connectedAt: number;
  /** When its credentials expire (ms since epoch), when they do. */
  expiresAt?: number;
}

function matchesTarget(connection: Connection, target: Target): boolean {
  const { identity } = connection;
  return (
    (target.connection === undefined || connection.id === target.connection) &&
    (target.user === undefined || identity.userId === target.user) &&
    (target.tenant === undefined || identity.tenant === target.tenant) &&
    (target.role === undefined || identity.roles.includes(target.role)) &&
    (target.permission === undefined || identity.permissions.includes(target.permission)) &&
    (target.namespace === undefined || connection.namespace === target.namespace) &&
    (target.channel === undefined || connection.channels.has(target.channel))
  );
}

/** In any of `targets` and not excluded. */
export function selects(
  connection: Connection,
  targets: readonly Target[],
  except?: Exclusion,
): boolean {
  if (except) {
    if (except.connections.includes(connection.id)) return false;
    const { userId } = connection.identity;
    if (userId !== undefined && except.users.includes(userId)) return false;
  }
  return targets.some((target) => matchesTarget(connection, target));
}

function addExclusion(exclusion: Exclusion, excluded: Excluded): Exclusion {
  if ('user' in excluded && typeof excluded.user === 'string') {
    return { connections: exclusion.connections, users: [...exclusion.users, excluded.user] };
  }
  const id = 'connection' in excluded ? excluded.connection : (excluded as Connection).id;
  return { connections: [...exclusion.connections, id], users: exclusion.users };
}

export function describeConnection(connection: Connection): ConnectionInfo {
  const { identity } = connection;
  const info: ConnectionInfo = {
    id: connection.id,
    namespace: connection.namespace,
    params: { ...connection.params },
    roles: [...identity.roles],
    permissions: [...identity.permissions],
    scopes: [...identity.scopes],
    channels: [...connection.channels].filter(
      (channel) => !channel.startsWith(reservedChannelPrefix),
    ),
    remoteAddress: connection.remoteAddress,
    transport: connection.transport,
    connectedAt: connection.connectedAt,
  };
  if (identity.userId !== undefined) info.userId = identity.userId;
  if (identity.tenant !== undefined) info.tenant = identity.tenant;
  if (identity.expiresAt !== undefined) info.expiresAt = identity.expiresAt;
  return info;
}

/**
 * `gateway.to(target)`: chain `.to()` for more targets (a union), `.except()` to leave some out,
 * then `.emit()`. Immutable, so a partly built broadcast can be reused. `Result` is what `emit`
 * resolves with: on a gateway, how many connections got it; from `@herald/emitter`, nothing.
 */
export class Broadcast<Result = number> {
  constructor(
    private readonly run: (
      targets: Target[],
      except: Exclusion,
      event: string,
      payload: unknown,
    ) => Promise<Result>,
    private readonly targets: Target[],
    private readonly exclusion: Exclusion = { connections: [], users: [] },
  ) {}

  to(target: Target): Broadcast<Result> {
    return new Broadcast(this.run, [...this.targets, target], this.exclusion);
  }

  except(excluded: Excluded): Broadcast<Result> {
    return new Broadcast(this.run, this.targets, addExclusion(this.exclusion, excluded));
  }

  /** Sends a server event (not a channel publication) to the targets, on every node. */
  emit(event: string, payload?: unknown): Promise<Result> {
    return this.run(this.targets, this.exclusion, event, payload);
  }
}
