import { describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.js';

describe('backend proxy options', () => {
  const declare = (proxy: unknown) => () =>
    createGateway({ logLevel: 'silent' }).namespace('/chat', { proxy } as never);

  it('refuses a kind set to true without a url, naming the option', () => {
    expect(declare({ connect: true })).toThrow(
      'invalid Herald options: namespace /chat.proxy.url: a kind set to true needs the proxy `url`',
    );
  });

  it('refuses URLs that are not http(s), header names that are not names, unknown keys', () => {
    expect(declare({ url: 'ftp://backend/x', rpc: true })).toThrow(
      'namespace /chat.proxy.url: must be an http(s) URL',
    );
    expect(declare({ rpc: 'not a url' })).toThrow('namespace /chat.proxy.rpc');
    expect(declare({ url: 'http://b/x', forwardHeaders: ['bad header'] })).toThrow(
      'namespace /chat.proxy.forwardHeaders.0: must be an HTTP header name',
    );
    expect(declare({ url: 'http://b/x', conect: true })).toThrow('conect');
  });

  it('takes a kind with a URL of its own without a proxy url', () => {
    expect(declare({ rpc: 'http://backend:8000/rpc', forwardHeaders: ['Cookie'] })).not.toThrow();
  });
});
