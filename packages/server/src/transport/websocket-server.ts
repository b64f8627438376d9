import { WebSocketServer } from 'ws';
import type { NamespaceOptions } from '../options.js';

/**
 * Most WebSocket frames one message may arrive in; past it the connection closes with 1008. Each
 * fragment costs memory whatever its size (even empty), so it is bounded on its own, apart from
 * `maxMessageSize`; a message that reaches `maxMessageSize` first closes with 1009. The number is
 * `ws`'s own default, set here so that docs/protocol.md can promise it.
 */
const maxFragmentsPerMessage = 16_384;

/** The `ws` server that completes a namespace's upgrades and parses its frames (its own limits). */
export function createWebSocketServer(
  options: NamespaceOptions,
  handleProtocols: (offered: Set<string>) => string | false,
): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageSize,
    maxFragments: maxFragmentsPerMessage,
    // ws negotiates and inflates what clients send; Herald compresses what it sends itself.
    perMessageDeflate: options.compression.enabled
      ? { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 15 }
      : false,
    clientTracking: false,
    handleProtocols,
  });
}
