import { describe, expect, it } from 'vitest';
import { ConnectionIndex } from './connection-index.js';
import { anonymousIdentity, type Identity } from './identity.js';

function connection(id: string, identity: Partial<Identity> = {}) {
  return { id, identity: { ...anonymousIdentity(), ...identity } };
}

describe('ConnectionIndex', () => {
  it('files connections by id, user and tenant, and forgets them on removal', () => {
    const index = new ConnectionIndex();
    const a = connection('a', { userId: 'ada', tenant: 'acme' });
    const b = connection('b', { userId: 'ada', tenant: 'initech' });
    const c = connection('c');
    for (const each of [a, b, c]) index.add(each);
    expect([...index.user('ada')]).toEqual([a, b]);
    expect([...index.tenant('acme')]).toEqual([a]);
    expect(index.connection('c')).toBe(c);
    index.remove(a);
    expect([...index.user('ada')]).toEqual([b]);
    expect(index.tenant('acme').size).toBe(0);
    expect(index.connection('a')).toBeUndefined();
  });

  it('moves a connection whose identity changed, and ignores one it does not hold', () => {
    const index = new ConnectionIndex();
    const a = connection('a');
    index.add(a);
    const previous = a.identity;
    a.identity = { ...previous, userId: 'ada', tenant: 'acme' };
    index.identityChanged(a, previous);
    expect([...index.user('ada')]).toEqual([a]);
    const stranger = connection('s', { userId: 'bob' });
    index.identityChanged(stranger, anonymousIdentity());
    expect(index.user('bob').size).toBe(0);
    // A connection that left is not brought back by a late identity change.
    index.remove(a);
    index.identityChanged(a, previous);
    expect(index.user('ada').size).toBe(0);
  });
});
