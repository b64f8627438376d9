import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { ChannelPattern } from './channel-pattern.js';

const noCaptures = { params: {}, users: [] };

describe('ChannelPattern', () => {
  describe('literal text', () => {
    it('matches the whole name, exactly', () => {
      const pattern = new ChannelPattern('lobby');
      expect(pattern.match('lobby')).toEqual(noCaptures);
      for (const channel of ['lobby2', 'xlobby', 'Lobby', 'lobb', '', 'lobby:x']) {
        expect(pattern.match(channel), channel).toBeUndefined();
      }
    });

    it('treats regular-expression characters as themselves', () => {
      const pattern = new ChannelPattern('a.b+c?(d)[e]^$|\\');
      expect(pattern.match('a.b+c?(d)[e]^$|\\')).toEqual(noCaptures);
      expect(pattern.match('axb+c?(d)[e]^$|\\')).toBeUndefined();
      expect(new ChannelPattern('a.b').match('axb')).toBeUndefined();
      expect(new ChannelPattern('ab+').match('abb')).toBeUndefined();
      expect(new ChannelPattern('a|b').match('a')).toBeUndefined();
      // Text between placeholders too.
      const around = new ChannelPattern('v1.0:{id}.x:*');
      expect(around.match('v1.0:7.x:y')?.params).toEqual({ id: '7' });
      expect(around.match('v1x0:7.x:y')).toBeUndefined();
      expect(around.match('v1.0:7yx:y')).toBeUndefined();
    });

    it('treats a # outside a placeholder as text', () => {
      const pattern = new ChannelPattern('tag:#1');
      expect(pattern.match('tag:#1')).toEqual(noCaptures);
      expect(pattern.match('tag:1')).toBeUndefined();
    });
  });

  describe('*', () => {
    it('matches any run of characters, separators and nothing included', () => {
      const pattern = new ChannelPattern('chat:*');
      for (const channel of ['chat:general', 'chat:a:b', 'chat:a,b', 'chat:']) {
        expect(pattern.match(channel), channel).toEqual(noCaptures);
      }
      for (const channel of ['chat', 'chats:x', 'x:chat:general']) {
        expect(pattern.match(channel), channel).toBeUndefined();
      }
    });

    it('matches every name when alone', () => {
      const pattern = new ChannelPattern('*');
      for (const channel of ['', 'a', 'a:b,c', '*']) {
        expect(pattern.match(channel), channel).toEqual(noCaptures);
      }
    });

    it('works anywhere in the pattern, and more than once', () => {
      const middle = new ChannelPattern('org:*:feed');
      expect(middle.match('org:acme:feed')).toEqual(noCaptures);
      expect(middle.match('org:acme:eu:feed')).toEqual(noCaptures);
      expect(middle.match('org:acme:feeds')).toBeUndefined();
      const twice = new ChannelPattern('*:live:*');
      expect(twice.match('a:b:live:c:d')).toEqual(noCaptures);
      expect(twice.match('a:b:c:d')).toBeUndefined();
    });
  });

  describe('{name}', () => {
    it('captures one part', () => {
      expect(new ChannelPattern('room:{id}').match('room:42')).toEqual({
        params: { id: '42' },
        users: [],
      });
    });

    it('never captures an empty part, a colon or a comma', () => {
      const pattern = new ChannelPattern('room:{id}');
      for (const channel of ['room:', 'room:4:2', 'room:4,2', 'room', 'rooms:42']) {
        expect(pattern.match(channel), channel).toBeUndefined();
      }
    });

    it('captures any other character', () => {
      const pattern = new ChannelPattern('room:{id}');
      for (const value of ['a.b', 'a-b_c', '#1', '{x}', 'café', '*']) {
        expect(pattern.match(`room:${value}`)?.params, value).toEqual({ id: value });
      }
    });

    it('captures several parts by name, around literals and *', () => {
      const pattern = new ChannelPattern('{org}:rooms:{room}:*');
      expect(pattern.match('acme:rooms:lobby:2024:05')).toEqual({
        params: { org: 'acme', room: 'lobby' },
        users: [],
      });
      expect(pattern.match('acme:room:lobby:x')).toBeUndefined();
    });

    it('captures a part after a *', () => {
      expect(new ChannelPattern('chat:*:{id}').match('chat:a:b:42')?.params).toEqual({ id: '42' });
    });

    it('captures any valid name, even one an object already has', () => {
      const match = new ChannelPattern('{__proto__}:#{constructor}').match('a:b');
      expect(match && Object.entries(match.params)).toEqual([
        ['__proto__', 'a'],
        ['constructor', 'b'],
      ]);
      expect(Object.getPrototypeOf(match?.params)).toBe(Object.prototype);
      expect(match?.users).toEqual(['b']);
    });

    it('accepts names of letters, digits and underscores', () => {
      expect(new ChannelPattern('{_a}:{B2}').match('x:y')?.params).toEqual({ _a: 'x', B2: 'y' });
    });
  });

  describe('#{name}', () => {
    it('captures a user id, as a param and as a user', () => {
      expect(new ChannelPattern('user:#{id}').match('user:alice')).toEqual({
        params: { id: 'alice' },
        users: ['alice'],
      });
    });

    it('captures every user of a conversation, in the order of the pattern', () => {
      const pattern = new ChannelPattern('dm:#{a},#{b}');
      expect(pattern.match('dm:bob,alice')).toEqual({
        params: { a: 'bob', b: 'alice' },
        users: ['bob', 'alice'],
      });
      for (const channel of ['dm:alice', 'dm:alice,', 'dm:,bob', 'dm:a,b,c', 'dm:a:b']) {
        expect(pattern.match(channel), channel).toBeUndefined();
      }
    });

    it('lists only the user captures among users', () => {
      expect(new ChannelPattern('{org}:inbox:#{user}').match('acme:inbox:alice')).toEqual({
        params: { org: 'acme', user: 'alice' },
        users: ['alice'],
      });
    });
  });

  it('gives a fresh result on every match', () => {
    const pattern = new ChannelPattern('user:#{id}');
    const first = pattern.match('user:a');
    const second = pattern.match('user:b');
    expect(first).toEqual({ params: { id: 'a' }, users: ['a'] });
    expect(second).toEqual({ params: { id: 'b' }, users: ['b'] });
    expect(first?.users).not.toBe(second?.users);
  });

  it('keeps its source as written', () => {
    expect(new ChannelPattern('dm:#{a},#{b}').source).toBe('dm:#{a},#{b}');
  });

  describe('refuses a name used twice, with a ConfigError naming the pattern', () => {
    const refusals: [string, string][] = [
      ['room:{id}:{id}', "channel pattern 'room:{id}:{id}' uses {id} twice"],
      ['dm:#{a},#{a}', "channel pattern 'dm:#{a},#{a}' uses {a} twice"],
      ['{a}:#{a}', "channel pattern '{a}:#{a}' uses {a} twice"],
    ];
    for (const [source, message] of refusals) {
      it(`'${source}'`, () => {
        expect(() => new ChannelPattern(source)).toThrow(ConfigError);
        expect(() => new ChannelPattern(source)).toThrow(message);
      });
    }
  });
});
