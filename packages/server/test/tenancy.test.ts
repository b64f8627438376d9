import { afterEach, describe, expect, it } from 'vitest';
import type { TenancyOptions, TenantSource } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { refusal, stillServes } from './support/probes.js';
import { TestClient, type Frame } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const isPublication = (f: Frame) => f.type === 'event' && f.channel !== undefined;
const settle = () => new Promise((r) => setTimeout(r, 50));

function tenantGateway(tenancy: TenancyOptions = { sources: ['claim'] }): Promise<RunningGateway> {
  return startGateway(
    (gw) => {
      for (const path of ['/app', '/t/:tenant/app']) {
        const ns = gw.namespace(path);
        ns.on('echo', (p) => p);
        ns.on('tenant', (_p, conn) => conn.identity.tenant ?? null);
        ns.on('say', async (text, conn) => {
          await gw.publish('general', 'said', text, { tenant: conn.identity.tenant, except: conn });
        });
      }
    },
    { auth: { jwt: { secret } }, tenancy },
  );
}

const member = async (tenant: string, user: string, path = '/app') =>
  TestClient.connect(running.url(`${path}?token=${await sign({ sub: user, tenant_id: tenant })}`));

describe('tenant isolation', () => {
  it("keeps tenant A's general and tenant B's general apart, showing clients the unscoped name", async () => {
    running = await tenantGateway();
    const [a1, a2, b1] = [
      await member('acme', 'a1'),
      await member('acme', 'a2'),
      await member('globex', 'b1'),
    ];
    for (const c of [a1, a2, b1]) await c.request({ type: 'subscribe', channel: 'general' });
    await a1.request({ type: 'event', event: 'say', payload: 'hello acme' });
    expect(await a2.waitFor(isPublication)).toMatchObject({
      channel: 'general',
      event: 'said',
      payload: 'hello acme',
    });
    await running.gateway.publish('general', 'said', 'hello globex', { tenant: 'globex' });
    expect(await b1.waitFor(isPublication)).toMatchObject({
      channel: 'general',
      payload: 'hello globex',
    });
    await settle();
    expect(a2.frames.filter(isPublication)).toHaveLength(1);
    expect(b1.frames.filter(isPublication)).toHaveLength(1);
    expect(JSON.stringify([...a2.frames, ...b1.frames])).not.toContain('$t:');
  });

  it('lets no client name its way into another tenant channel', async () => {
    running = await tenantGateway();
    const b1 = await member('globex', 'b1');
    await b1.request({ type: 'subscribe', channel: 'general' });
    const mallory = await member('acme', 'mallory');
    for (const channel of ['$t:globex:general', '$t:globex:$all']) {
      expect(await mallory.request({ type: 'subscribe', channel })).toMatchObject({
        code: 'WS_FORBIDDEN',
      });
    }
    await mallory.request({ type: 'subscribe', channel: 't:globex:general' });
    await running.gateway.publish('general', 'secret', 'globex only', { tenant: 'globex' });
    await b1.waitFor(isPublication);
    await settle();
    expect(mallory.frames.filter(isPublication)).toHaveLength(0);
  });

  it('refuses a token for tenant A on tenant B (path, query and header) with 4003, and others carry on', async () => {
    running = await tenantGateway({ sources: ['param', 'query', 'header', 'claim'] });
    const tokenA = await sign({ sub: 'ada', tenant_id: 'acme' });
    const bystander = await member('globex', 'b1', '/t/globex/app');
    const expected = {
      close: 4003,
      code: 'WS_FORBIDDEN',
      message: 'tenant does not match the token',
    };
    expect(await refusal(running.url(`/t/globex/app?token=${tokenA}`))).toEqual(expected);
    expect(await refusal(running.url(`/app?tenant=globex&token=${tokenA}`))).toEqual(expected);
    expect(
      await refusal(running.url(`/app?token=${tokenA}`), undefined, {
        headers: { 'X-Tenant-ID': 'globex' },
      }),
    ).toEqual(expected);
    const own = await TestClient.connect(running.url(`/t/acme/app?token=${tokenA}`));
    expect((await own.request({ type: 'event', event: 'tenant' })).payload).toBe('acme');
    await stillServes(bystander);
  });

  it('resolves the tenant from ordered sources: path parameter, query, header, subdomain', async () => {
    running = await tenantGateway({
      sources: ['param', 'query', 'header', { from: 'subdomain', baseDomain: 'herald.test' }],
    });
    const tenantOf = async (path: string, headers: Record<string, string> = {}) => {
      const client = await TestClient.connect(
        running.url(`${path}${path.includes('?') ? '&' : '?'}token=${await sign({ sub: 'u' })}`),
        undefined,
        { headers },
      );
      return (await client.request({ type: 'event', event: 'tenant' })).payload;
    };
    expect(await tenantOf('/t/acme/app?tenant=globex')).toBe('acme');
    expect(await tenantOf('/app?tenant=globex', { 'X-Tenant-ID': 'initech' })).toBe('globex');
    expect(await tenantOf('/app', { 'X-Tenant-ID': 'initech', Host: 'umbrella.herald.test' })).toBe(
      'initech',
    );
    expect(await tenantOf('/app', { Host: 'umbrella.herald.test:8080' })).toBe('umbrella');
    expect(await tenantOf('/app', { Host: 'a.b.herald.test' })).toBeNull();
  });

  it('refuses an invalid tenant id and, when required, a missing one', async () => {
    running = await tenantGateway({ sources: ['query', 'claim'], required: true });
    const token = await sign({ sub: 'u' });
    expect(await refusal(running.url(`/app?tenant=a:b&token=${token}`))).toMatchObject({
      close: 4003,
      message: 'tenant id is invalid',
    });
    expect(await refusal(running.url(`/app?token=${token}`))).toMatchObject({
      close: 4003,
      message: 'tenant is required',
    });
  });

  it('broadcasts to a tenant: all its connections on every namespace, nothing else', async () => {
    running = await tenantGateway();
    const a1 = await member('acme', 'a1');
    const a2 = await member('acme', 'a2', '/t/acme/app');
    const b1 = await member('globex', 'b1');
    await running.gateway.broadcastToTenant('acme', 'notice', { maintenance: true });
    for (const client of [a1, a2]) {
      expect(await client.waitFor((f) => f.event === 'notice')).toEqual({
        type: 'event',
        event: 'notice',
        payload: { maintenance: true },
      });
    }
    await settle();
    expect(b1.frames.map((f) => f.event)).toEqual(['connected']);
  });

  it('shares channels across tenants when isolation is off', async () => {
    running = await tenantGateway({ sources: ['claim'], isolation: false });
    const a = await member('acme', 'a');
    const b = await member('globex', 'b');
    await b.request({ type: 'subscribe', channel: 'general' });
    await a.request({ type: 'event', event: 'say', payload: 'shared' });
    expect(await b.waitFor(isPublication)).toMatchObject({ channel: 'general', payload: 'shared' });
  });
});

describe("the token's tenant is authoritative", () => {
  const others: Record<string, TenantSource> = {
    param: 'param',
    query: 'query',
    header: 'header',
    subdomain: { from: 'subdomain', baseDomain: 'herald.test' },
  };
  /** A handshake in which `source` names `tenant`, carrying `token` if given. */
  const naming = (source: string, tenant: string, token?: string) => {
    const path = source === 'param' ? `/t/${tenant}/app` : '/app';
    const query = new URLSearchParams();
    if (source === 'query') query.set('tenant', tenant);
    if (token !== undefined) query.set('token', token);
    const headers: Record<string, string> = {};
    if (source === 'header') headers['X-Tenant-ID'] = tenant;
    if (source === 'subdomain') headers.Host = `${tenant}.herald.test`;
    return { url: running.url(`${path}?${query}`), headers };
  };
  const expected = {
    close: 4003,
    code: 'WS_FORBIDDEN',
    message: 'tenant does not match the token',
  };

  function permutations<T>(items: T[]): T[][] {
    if (items.length <= 1) return [items];
    return items.flatMap((item, i) =>
      permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
    );
  }

  /** The refusal, or the tenant the connection was opened for: never waits on an accepted one. */
  async function outcome(url: string, headers: Record<string, string> = {}) {
    const client = await TestClient.connect(url, undefined, { headers });
    const answer = client.request({ type: 'event', event: 'tenant' });
    const closed = client.closed.then(({ code }) => {
      const error = client.frames.find((f) => f.type === 'error');
      return { close: code, code: error?.code, message: error?.message };
    });
    const result = await Promise.race([closed, answer.then((f) => ({ tenant: f.payload }))]);
    if ('tenant' in result) await client.close();
    return result;
  }

  it('refuses every source naming another tenant, in every order of the sources', async () => {
    const tokenA = await sign({ sub: 'ada', tenant_id: 'acme' });
    const orders = permutations<TenantSource>(['claim', ...Object.values(others)]);
    expect(orders).toHaveLength(120);
    for (const sources of orders) {
      running = await tenantGateway({ sources, required: true });
      const order = sources.map((s) => (typeof s === 'string' ? s : s.from)).join(',');
      for (const source of Object.keys(others)) {
        const { url, headers } = naming(source, 'globex', tokenA);
        expect({ order, source, ...(await outcome(url, headers)) }).toEqual({
          order,
          source,
          ...expected,
        });
      }
      // Every source agreeing with the token opens the token's tenant.
      const agreeing = await outcome(running.url(`/t/acme/app?tenant=acme&token=${tokenA}`), {
        'X-Tenant-ID': 'acme',
        Host: 'acme.herald.test',
      });
      expect({ order, ...agreeing }).toEqual({ order, tenant: 'acme' });
      await running.gateway.close();
    }
  }, 60_000);

  it('refuses a query naming the token tenant and another one', async () => {
    running = await tenantGateway({ sources: ['claim', 'query'], required: true });
    const tokenA = await sign({ sub: 'ada', tenant_id: 'acme' });
    expect(await outcome(running.url(`/app?tenant=acme&tenant=globex&token=${tokenA}`))).toEqual(
      expected,
    );
  });

  it('refuses an in-band token for another tenant than a source names, the claim listed first', async () => {
    running = await tenantGateway({ sources: ['claim', 'query', 'header'], required: true });
    const bystander = await member('acme', 'b1');
    for (const { url, headers } of [naming('query', 'globex'), naming('header', 'globex')]) {
      const client = await TestClient.connect(url, undefined, { headers });
      const error = await client.request({
        type: 'auth',
        token: await sign({ sub: 'ada', tenant_id: 'acme' }),
      });
      expect(error).toMatchObject({ type: 'error', code: 'WS_FORBIDDEN' });
      expect((await client.closed).code).toBe(4003);
    }
    await stillServes(bystander);
  });
});
