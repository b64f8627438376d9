import type { PresenceClient, PresenceStats } from '@herald/protocol';

interface Entry {
  client: PresenceClient;
  expiresAt: number;
}

/** Channel presence held in this process; entries expire unless refreshed, as in a shared store. */
export class MemoryPresence {
  private readonly channels = new Map<string, Map<string, Entry>>();

  add(channel: string, client: PresenceClient, ttl: number): void {
    let entries = this.channels.get(channel);
    if (!entries) {
      entries = new Map();
      this.channels.set(channel, entries);
    }
    entries.set(client.connectionId, { client, expiresAt: Date.now() + ttl });
  }

  remove(channel: string, connectionId: string): void {
    const entries = this.channels.get(channel);
    if (!entries) return;
    entries.delete(connectionId);
    if (entries.size === 0) this.channels.delete(channel);
  }

  clients(channel: string): PresenceClient[] {
    const entries = this.channels.get(channel);
    if (!entries) return [];
    const now = Date.now();
    const clients: PresenceClient[] = [];
    for (const [id, entry] of entries) {
      if (entry.expiresAt <= now) entries.delete(id);
      else clients.push(entry.client);
    }
    return clients;
  }

  stats(channel: string): PresenceStats {
    const clients = this.clients(channel);
    const users = new Set<string>();
    for (const client of clients) if (client.userId !== undefined) users.add(client.userId);
    return { connections: clients.length, users: users.size };
  }

  clear(): void {
    this.channels.clear();
  }
}
