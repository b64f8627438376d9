import type { Identity } from './identity.js';

/** What the index reads of a connection. */
interface Indexed {
  readonly id: string;
  readonly identity: Identity;
}

/**
 * This node's open connections by id, by user and by tenant, so that a targeted send
 * (`to({ user })`, a kick by connection id, a tenant's broadcast) visits the connections it
 * names instead of every connection on the node.
 */
export class ConnectionIndex<C extends Indexed = Indexed> {
  private readonly byId = new Map<string, C>();
  private readonly byUser = new Map<string, Set<C>>();
  private readonly byTenant = new Map<string, Set<C>>();

  add(connection: C): void {
    this.byId.set(connection.id, connection);
    this.file(connection, connection.identity);
  }

  remove(connection: C): void {
    if (this.byId.get(connection.id) !== connection) return;
    this.byId.delete(connection.id);
    this.unfile(connection, connection.identity);
  }

  /** Follows an identity change (in-band auth, refresh) of a connection already indexed. */
  identityChanged(connection: C, previous: Identity): void {
    if (this.byId.get(connection.id) !== connection) return;
    this.unfile(connection, previous);
    this.file(connection, connection.identity);
  }

  connection(id: string): C | undefined {
    return this.byId.get(id);
  }

  /** The connections of `userId` on this node (none: an empty set). */
  user(userId: string): ReadonlySet<C> {
    return this.byUser.get(userId) ?? none;
  }

  tenant(tenant: string): ReadonlySet<C> {
    return this.byTenant.get(tenant) ?? none;
  }

  private file(connection: C, identity: Identity): void {
    if (identity.userId !== undefined) insert(this.byUser, identity.userId, connection);
    if (identity.tenant !== undefined) insert(this.byTenant, identity.tenant, connection);
  }

  private unfile(connection: C, identity: Identity): void {
    if (identity.userId !== undefined) discard(this.byUser, identity.userId, connection);
    if (identity.tenant !== undefined) discard(this.byTenant, identity.tenant, connection);
  }
}

const none: ReadonlySet<never> = new Set();

function insert<C>(map: Map<string, Set<C>>, key: string, connection: C): void {
  const set = map.get(key);
  if (set) set.add(connection);
  else map.set(key, new Set([connection]));
}

function discard<C>(map: Map<string, Set<C>>, key: string, connection: C): void {
  const set = map.get(key);
  if (!set?.delete(connection)) return;
  if (set.size === 0) map.delete(key);
}
