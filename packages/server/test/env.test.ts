import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createGateway,
  gatewayOptionsFromEnv,
  listenAddressFromEnv,
} from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { refusal, stillServes } from './support/probes.js';
import { TestClient } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';

let running: RunningGateway | undefined;
afterEach(() => running?.gateway.close());

describe('options from the environment', () => {
  it('maps the documented variables', () => {
    const options = gatewayOptionsFromEnv({
      JWT_SECRET_KEY: secret,
      JWT_ALGORITHM: 'HS512',
      JWT_ISSUER: 'https://id.example.com',
      JWT_AUDIENCE: 'herald, admin',
      JWT_CLOCK_TOLERANCE: '5',
      AUTH_TIMEOUT: '3000',
      AUTH_TOKEN_COOKIE: 'sid',
      AUTH_REJECT_BEFORE_UPGRADE: 'yes',
      TENANT_SOURCES: 'claim,subdomain',
      TENANT_REQUIRED: 'true',
      MAX_CONNECTIONS: '1000',
      MAX_CONNECTIONS_PER_IP: '20',
      MAX_CONNECTIONS_PER_USER: '5',
      MAX_CONNECTIONS_PER_TENANT: '100',
      LIMITS_SCOPE: 'node',
      LIMITS_WHEN_BROKER_UNREACHABLE: 'refuse',
      MESSAGES_PER_SECOND: '10',
      MESSAGE_BURST: '20',
      MESSAGES_PER_MINUTE: '120',
      MESSAGES_PER_MINUTE_PER_IP: '600',
      MESSAGES_PER_MINUTE_PER_TENANT: '6000',
      CONNECTIONS_PER_MINUTE_PER_IP: '30',
      RATE_LIMIT_MAX_VIOLATIONS: '3',
      WS_HANDSHAKE_TIMEOUT: '5000',
      WS_MAX_MESSAGE_SIZE: '4096',
      WS_IDLE_TIMEOUT: '60000',
      WS_CLOSE_TIMEOUT: '2000',
      WS_MAX_SUBSCRIPTIONS: '50',
      WS_MAX_SUBSCRIBERS_PER_CHANNEL: '10000',
      WS_ALLOWED_ORIGINS: 'https://app.example.com, https://*.example.com',
      UNRELATED: 'ignored',
    });
    expect(options).toEqual({
      auth: {
        jwt: {
          secret,
          algorithms: ['HS512'],
          issuer: 'https://id.example.com',
          audience: ['herald', 'admin'],
          clockTolerance: 5,
        },
        authTimeout: 3000,
        rejectBeforeUpgrade: true,
        tokenSources: { cookie: 'sid' },
      },
      tenancy: { sources: ['claim', 'subdomain'], required: true },
      limits: {
        maxConnections: 1000,
        maxConnectionsPerIp: 20,
        maxConnectionsPerUser: 5,
        maxConnectionsPerTenant: 100,
        scope: 'node',
        whenBrokerUnreachable: 'refuse',
      },
      rateLimit: {
        perConnection: { perSecond: 10, burst: 20 },
        perUser: { perMinute: 120 },
        perIp: { perMinute: 600 },
        perTenant: { perMinute: 6000 },
        connectionAttemptsPerIp: { perMinute: 30 },
        maxViolations: 3,
      },
      handshakeTimeout: 5000,
      namespaceDefaults: {
        maxMessageSize: 4096,
        idleTimeout: 60000,
        closeTimeout: 2000,
        maxSubscriptions: 50,
        maxSubscribersPerChannel: 10000,
        origins: ['https://app.example.com', 'https://*.example.com'],
      },
    });
    expect(() => createGateway({ ...options, logLevel: 'silent' })).not.toThrow();
  });

  it('returns nothing for an empty environment, and honours RATE_LIMIT_ENABLED', () => {
    expect(gatewayOptionsFromEnv({})).toEqual({});
    expect(
      gatewayOptionsFromEnv({ RATE_LIMIT_ENABLED: 'false', MESSAGES_PER_MINUTE: '5' }),
    ).toEqual({
      rateLimit: { enabled: false, perUser: { perMinute: 5 } },
    });
    expect(gatewayOptionsFromEnv({ RATE_LIMIT_ENABLED: 'true' })).toEqual({
      rateLimit: { perConnection: { perSecond: 50, burst: 100 } },
    });
  });

  it('reads durations in seconds, the log level, trusted proxies and compression', () => {
    expect(
      gatewayOptionsFromEnv({
        WS_PING_INTERVAL: '2.5',
        WS_PONG_TIMEOUT: '1',
        WS_DRAIN_TIMEOUT: '3',
        LOG_LEVEL: 'warn',
        WS_TRUST_PROXY: '10.0.0.1, 10.0.0.2',
        WS_COMPRESSION: 'on',
        WS_COMPRESSION_THRESHOLD: '512',
      }),
    ).toEqual({
      drainTimeout: 3_000,
      logLevel: 'warn',
      trustProxy: ['10.0.0.1', '10.0.0.2'],
      namespaceDefaults: {
        compression: { enabled: true, threshold: 512 },
        pingInterval: 2_500,
        pongTimeout: 1_000,
      },
    });
  });

  it('names the bad variable', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ MAX_CONNECTIONS_PER_IP: 'lots' }, /MAX_CONNECTIONS_PER_IP=lots: must be an integer/],
      [{ RATE_LIMIT_ENABLED: 'maybe' }, /RATE_LIMIT_ENABLED=maybe: must be true or false/],
      [{ MESSAGES_PER_MINUTE: '0' }, /MESSAGES_PER_MINUTE=0: must be an integer of at least 1/],
      [{ TENANT_SOURCES: 'claim,cookie' }, /TENANT_SOURCES=claim,cookie: 'cookie' is not one of/],
      [{ AUTH_TIMEOUT: '100' }, /AUTH_TIMEOUT=100: needs JWT_SECRET_KEY/],
      [{ WS_PING_INTERVAL: 'often' }, /WS_PING_INTERVAL=often: must be a non-negative number/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL=loud: must be one of/],
      [{ LIMITS_SCOPE: 'global' }, /LIMITS_SCOPE=global: must be one of cluster, node/],
    ];
    for (const [env, message] of bad) {
      expect(() => gatewayOptionsFromEnv(env)).toThrow(ConfigError);
      expect(() => gatewayOptionsFromEnv(env)).toThrow(message);
    }
  });

  it('reads where to listen from WS_HOST and WS_PORT, an empty variable counting as unset', () => {
    expect(listenAddressFromEnv({ WS_HOST: '127.0.0.1', WS_PORT: '9000' })).toEqual({
      host: '127.0.0.1',
      port: 9000,
    });
    expect(listenAddressFromEnv({ WS_HOST: '', WS_PORT: ' ' })).toEqual({});
    for (const port of ['abc', '-1', '65536', '80.5', '0x50']) {
      expect(() => listenAddressFromEnv({ WS_PORT: port })).toThrow(ConfigError);
      expect(() => listenAddressFromEnv({ WS_PORT: port })).toThrow(
        `WS_PORT=${port}: must be a port number (0 to 65535)`,
      );
    }
  });

  it('runs a gateway configured from the environment alone', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/app').on('echo', (p) => p);
      },
      gatewayOptionsFromEnv({
        JWT_SECRET_KEY: secret,
        JWT_ALGORITHM: 'HS256',
        AUTH_TIMEOUT: '0',
        MAX_CONNECTIONS_PER_IP: '1',
      }),
    );
    expect(await refusal(running.url('/app'))).toMatchObject({ close: 4001 });
    const client = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'ada' })}`),
    );
    await stillServes(client);
    expect(await refusal(running.url(`/app?token=${await sign({ sub: 'bob' })}`))).toMatchObject({
      close: 4008,
    });
  });
});

describe('security options are validated at start-up, naming the field', () => {
  const cases: [() => unknown, RegExp][] = [
    [
      () => createGateway({ auth: { jwt: { secret: 'short' } } }),
      /auth\.jwt\.secret: must be at least 32 bytes/,
    ],
    [
      () => createGateway({ auth: { jwt: { secret, algorithms: ['RS256'] } } }),
      /auth\.jwt\.algorithms: a secret takes only HS/,
    ],
    [() => createGateway({ auth: { jwt: {} } }), /auth\.jwt: give exactly one of/],
    [() => createGateway({ auth: { jwt: { publicKey: 'not a key' } } }), /auth\.jwt\.publicKey/],
    [
      () => createGateway({ auth: { jwt: { jwksFile: '/nonexistent/jwks.json' } } }),
      /auth\.jwt\.jwksFile/,
    ],
    [
      () => createGateway({ auth: { jwt: { secret, algorithms: ['none' as 'HS256'] } } }),
      /auth\.jwt\.algorithms\.0/,
    ],
    [
      () => createGateway({ auth: { jwt: { secret }, authenticate: () => null } }),
      /auth: give exactly one of jwt, authenticate/,
    ],
    [() => createGateway({ tenancy: { sources: ['cookie' as 'claim'] } }), /tenancy\.sources\.0/],
    [() => createGateway({ limits: { maxConnectionsPerIp: -1 } }), /limits\.maxConnectionsPerIp/],
    [
      () => createGateway({ rateLimit: { perConnection: { perSecond: 0 } } }),
      /rateLimit\.perConnection\.perSecond/,
    ],
    [
      () => createGateway({ namespaceDefaults: { auth: 'sometimes' as 'public' } }),
      /namespaceDefaults\.auth/,
    ],
  ];
  it.each(cases.map(([make, message], index) => ({ make, message, index })))(
    'case $index',
    ({ make, message }) => {
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(message);
    },
  );
});
