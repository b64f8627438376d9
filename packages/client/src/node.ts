// Node-only entry: the plain client uses `ws` for handshake headers and ping frames.
export {
  defaultWebSocketConfig,
  webSocketConfigFromEnv,
  type WebSocketConfig,
} from './plain/config.js';
export { websocketConnect, type WebSocketConnectOptions } from './plain/connect.js';
export {
  AuthenticationError,
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidJsonError,
  MessageTooLargeError,
  WebSocketClientError,
} from './plain/errors.js';
export {
  WebSocketClient,
  type Message,
  type WebSocketClientOptions,
} from './plain/websocket-client.js';
