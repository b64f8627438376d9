import { describe, expect, it } from 'vitest';
import type { Manifest, ManifestNamespace } from '@herald/server';
import { problemLine } from '../validate-controllers.js';
import { pathConflicts } from './path-conflicts.js';

const namespace = (controller: string, path: string): ManifestNamespace => ({
  controller,
  export: controller,
  path,
  params: [],
  options: {},
  inject: [],
  guards: [],
  connect: [],
  disconnect: [],
  events: [],
  channels: [],
  emits: [],
});

/** The conflicts of controllers A and B at these paths, as `herald validate` prints them. */
function conflicts(a: string, b: string): string[] {
  const manifest: Manifest = {
    version: 1,
    herald: '0.1.0',
    module: './controllers.ts',
    namespaces: [namespace('A', a), namespace('B', b)],
    providers: [],
  };
  return pathConflicts(manifest).map(problemLine);
}

describe('the path-conflicts rule', () => {
  it('finds a request path two patterns share, whichever side holds the param', () => {
    expect(conflicts('/a/:x', '/:y/b')).toEqual([
      "B.@Socket: path /:y/b conflicts with A's /a/:x: both match /a/b",
    ]);
    expect(conflicts('/chat/lobby', '/chat/:room')).toEqual([
      "B.@Socket: path /chat/:room conflicts with A's /chat/lobby: both match /chat/lobby",
    ]);
  });

  it('shows a segment both take as a param as the param, not as a literal', () => {
    expect(conflicts('/chat/:room', '/chat/:id')).toEqual([
      "B.@Socket: path /chat/:id conflicts with A's /chat/:room: both match /chat/:room",
    ]);
  });

  it('ignores trailing and repeated slashes, as the gateway does', () => {
    expect(conflicts('/chat', '/chat/')).toEqual([
      "B.@Socket: path /chat/ conflicts with A's /chat: both match /chat",
    ]);
    expect(conflicts('//chat', '/chat')).toHaveLength(1);
    expect(conflicts('/chat', '/chat')).toEqual(["B.@Socket: path /chat is also A's"]);
  });

  it('finds none between paths of different lengths or different literals', () => {
    expect(conflicts('/', '/:x')).toEqual([]);
    expect(conflicts('/chat/:room', '/chat/:room/history')).toEqual([]);
    expect(conflicts('/a/:x', '/b/:x')).toEqual([]);
  });
});
