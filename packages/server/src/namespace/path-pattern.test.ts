import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { namespacePatternSchema, PathPattern } from './path-pattern.js';

describe('PathPattern', () => {
  describe('literal segments', () => {
    it('match the same path and nothing else', () => {
      const pattern = new PathPattern('/feed/live');
      expect(pattern.match('/feed/live')).toEqual({});
      for (const path of [
        '/feed',
        '/feed/liv',
        '/feed/lives',
        '/feed/live/x',
        '/x/feed/live',
        '/',
      ]) {
        expect(pattern.match(path), path).toBeUndefined();
      }
    });

    it('are case-sensitive', () => {
      expect(new PathPattern('/Chat').match('/chat')).toBeUndefined();
      expect(new PathPattern('/Chat').match('/Chat')).toEqual({});
    });

    it('treat regular-expression characters as themselves', () => {
      const pattern = new PathPattern('/v1.0/a+b/(x)/[y]/$z^/c*/d?/e|f/\\');
      expect(pattern.match('/v1.0/a+b/(x)/[y]/$z^/c*/d?/e|f/\\')).toEqual({});
      expect(pattern.match('/v1x0/a+b/(x)/[y]/$z^/c*/d?/e|f/\\')).toBeUndefined();
      expect(new PathPattern('/a+b').match('/aab')).toBeUndefined();
      expect(new PathPattern('/c*').match('/')).toBeUndefined();
      expect(new PathPattern('/e|f').match('/e')).toBeUndefined();
    });

    it('keep a colon that does not start the segment', () => {
      const pattern = new PathPattern('/chat-:room');
      expect(pattern.match('/chat-:room')).toEqual({});
      expect(pattern.match('/chat-general')).toBeUndefined();
    });

    it('the root pattern matches only the root', () => {
      const pattern = new PathPattern('/');
      expect(pattern.match('/')).toEqual({});
      expect(pattern.match('/x')).toBeUndefined();
      expect(pattern.match('')).toBeUndefined();
    });
  });

  describe('parameters', () => {
    it('capture one segment by name', () => {
      const pattern = new PathPattern('/chat/:room');
      expect(pattern.match('/chat/general')).toEqual({ room: 'general' });
      expect(pattern.match('/chat/a.b-c_d~e')).toEqual({ room: 'a.b-c_d~e' });
    });

    it('capture several segments, between literals', () => {
      const pattern = new PathPattern('/org/:org/room/:room_2');
      expect(pattern.match('/org/acme/room/lobby')).toEqual({ org: 'acme', room_2: 'lobby' });
      expect(pattern.match('/org/acme/rooms/lobby')).toBeUndefined();
    });

    it('never match an empty segment', () => {
      const pattern = new PathPattern('/chat/:room');
      expect(pattern.match('/chat')).toBeUndefined();
      expect(pattern.match('/chat/')).toBeUndefined();
      expect(pattern.match('/chat//')).toBeUndefined();
      expect(new PathPattern('/:a/:b').match('//b')).toBeUndefined();
    });

    it('never span more than one segment', () => {
      const pattern = new PathPattern('/chat/:room');
      expect(pattern.match('/chat/a/b')).toBeUndefined();
      expect(new PathPattern('/:a/:b').match('/x/y/z')).toBeUndefined();
    });

    it('are percent-decoded, an encoded slash included', () => {
      const pattern = new PathPattern('/chat/:room');
      expect(pattern.match('/chat/caf%C3%A9')).toEqual({ room: 'café' });
      expect(pattern.match('/chat/a%2Fb')).toEqual({ room: 'a/b' });
      expect(pattern.match('/chat/100%25')).toEqual({ room: '100%' });
      expect(pattern.match('/chat/a%20b')).toEqual({ room: 'a b' });
      // A plus sign is a plus sign in a path.
      expect(pattern.match('/chat/a+b')).toEqual({ room: 'a+b' });
    });

    it('make a badly escaped path not match', () => {
      const pattern = new PathPattern('/chat/:room');
      expect(pattern.match('/chat/100%')).toBeUndefined();
      expect(pattern.match('/chat/%E0%A4%A')).toBeUndefined();
      expect(pattern.match('/chat/%C3')).toBeUndefined();
      expect(pattern.match('/chat/%zz')).toBeUndefined();
    });

    it('capture any valid name, even one an object already has', () => {
      const params = new PathPattern('/:__proto__/:constructor').match('/a/b');
      expect(params && Object.entries(params)).toEqual([
        ['__proto__', 'a'],
        ['constructor', 'b'],
      ]);
      expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    });

    it('give a fresh object on every match', () => {
      const pattern = new PathPattern('/chat/:room');
      const first = pattern.match('/chat/a');
      const second = pattern.match('/chat/b');
      expect(first).toEqual({ room: 'a' });
      expect(second).toEqual({ room: 'b' });
      expect(first).not.toBe(second);
    });
  });

  describe('slashes', () => {
    it('accept one trailing slash on the path', () => {
      expect(new PathPattern('/chat/:room').match('/chat/general/')).toEqual({ room: 'general' });
      expect(new PathPattern('/feed').match('/feed/')).toEqual({});
      expect(new PathPattern('/feed').match('/feed//')).toBeUndefined();
    });

    it('ignore a trailing slash and repeated slashes in the pattern', () => {
      const trailing = new PathPattern('/chat/:room/');
      expect(trailing.match('/chat/general')).toEqual({ room: 'general' });
      expect(trailing.match('/chat/general/')).toEqual({ room: 'general' });
      const doubled = new PathPattern('/chat//:room');
      expect(doubled.match('/chat/general')).toEqual({ room: 'general' });
      expect(doubled.match('/chat//general')).toBeUndefined();
    });

    it('do not match a path without its leading slash', () => {
      expect(new PathPattern('/chat/:room').match('chat/general')).toBeUndefined();
    });
  });

  it('keeps its source as written', () => {
    expect(new PathPattern('/chat/:room/').source).toBe('/chat/:room/');
  });

  describe('refuses, with a ConfigError naming the pattern', () => {
    const refusals: [string, string][] = [
      ['chat', "namespace pattern 'chat' must start with '/'"],
      ['', "namespace pattern '' must start with '/'"],
      [':room', "namespace pattern ':room' must start with '/'"],
      ['/chat/:', "namespace pattern '/chat/:' has an invalid parameter ':'"],
      ['/chat/:1room', "namespace pattern '/chat/:1room' has an invalid parameter ':1room'"],
      ['/chat/:room-id', "namespace pattern '/chat/:room-id' has an invalid parameter ':room-id'"],
      ['/chat/::room', "namespace pattern '/chat/::room' has an invalid parameter '::room'"],
      ['/chat/:ro.om', "namespace pattern '/chat/:ro.om' has an invalid parameter ':ro.om'"],
      ['/:a/x/:a', "namespace pattern '/:a/x/:a' repeats the parameter 'a'"],
    ];
    for (const [source, message] of refusals) {
      it(`'${source}'`, () => {
        expect(() => new PathPattern(source)).toThrow(ConfigError);
        expect(() => new PathPattern(source)).toThrow(message);
      });
    }

    it('and accepts parameter names of letters, digits and underscores', () => {
      expect(new PathPattern('/:_/:A1/:room_id').match('/a/b/c')).toEqual({
        _: 'a',
        A1: 'b',
        room_id: 'c',
      });
    });
  });
});

describe('namespacePatternSchema', () => {
  it('accepts what PathPattern accepts', () => {
    expect(namespacePatternSchema.safeParse('/chat/:room').success).toBe(true);
    expect(namespacePatternSchema.safeParse('/').success).toBe(true);
  });

  it("refuses with PathPattern's reason", () => {
    const result = namespacePatternSchema.safeParse('/:a/:a');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      "namespace pattern '/:a/:a' repeats the parameter 'a'",
    ]);
    expect(namespacePatternSchema.safeParse('chat').error?.issues[0]?.message).toBe(
      "namespace pattern 'chat' must start with '/'",
    );
  });

  it('refuses what is not a string', () => {
    expect(namespacePatternSchema.safeParse(42).success).toBe(false);
  });
});
