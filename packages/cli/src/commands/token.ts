import type { Command } from 'commander';
import { SignJWT } from 'jose';
import { parseJson } from '../admin/json.js';
import { readServeFile } from '../config-file.js';
import { UsageError } from '../errors.js';

interface TokenFlags {
  sub: string;
  ttl: string;
  claim: string[];
  secret?: string;
  config?: string;
}

/** What signs the token and what the gateway checks besides the signature, and where it was read. */
interface SigningKey {
  secret: string;
  from: string;
  issuer?: string | string[];
  audience?: string | string[];
}

// The gateway refuses shorter HS256 secrets at start-up (auth/jwt-verifier.ts); so does this.
const minimumSecretBytes = 32;
const reservedClaims = new Set(['sub', 'exp', 'iat']);
const ttlUnits: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/**
 * `herald token`: a development JWT (HS256) a gateway with the same secret accepts. Only the
 * token is printed, so that `$(herald token --sub alice)` works in a shell.
 */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('mint a development JWT (HS256) for a gateway with a JWT secret')
    .requiredOption('--sub <user>', 'the user id (sub claim)')
    .option('--ttl <duration>', 'lifetime: seconds, or with s, m, h or d (30m, 1h, 7d)', '1h')
    .option(
      '--claim <name=value>',
      'an extra claim; the value is JSON, else a string (repeatable)',
      collect,
      [],
    )
    .option('--secret <secret>', 'the HS256 secret (else JWT_SECRET_KEY, else --config)')
    .option('-c, --config <file>', "herald serve's config file: its gateway.auth.jwt secret")
    .action(async (flags: TokenFlags) => {
      const key = await signingKey(flags);
      const token = new SignJWT({ ...claims(flags.claim) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(flags.sub)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds(flags.ttl));
      if (key.issuer !== undefined) token.setIssuer(firstOf(key.issuer));
      if (key.audience !== undefined) token.setAudience(key.audience);
      process.stdout.write(`${await token.sign(new TextEncoder().encode(key.secret))}\n`);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The secret `herald serve` would verify with: the flag, then the environment, then the file. */
async function signingKey(flags: TokenFlags): Promise<SigningKey> {
  const key = await findKey(flags);
  if (Buffer.byteLength(key.secret) < minimumSecretBytes) {
    throw new UsageError(`${key.from}: the secret must be at least ${minimumSecretBytes} bytes`);
  }
  return key;
}

async function findKey(flags: TokenFlags): Promise<SigningKey> {
  if (flags.secret !== undefined) return { secret: flags.secret, from: '--secret' };
  const env = process.env;
  const fromEnv = env.JWT_SECRET_KEY?.trim();
  if (fromEnv) {
    return {
      secret: fromEnv,
      from: 'JWT_SECRET_KEY',
      ...(env.JWT_ISSUER?.trim() && { issuer: env.JWT_ISSUER.trim() }),
      ...(env.JWT_AUDIENCE?.trim() && {
        audience: env.JWT_AUDIENCE.split(',').map((a) => a.trim()),
      }),
    };
  }
  if (flags.config !== undefined) {
    const jwt = (await readServeFile(flags.config)).gateway?.auth?.jwt;
    if (jwt?.secret === undefined) {
      throw new UsageError(`${flags.config}: gateway.auth.jwt.secret is not set`);
    }
    return {
      secret: jwt.secret,
      from: `${flags.config}: gateway.auth.jwt.secret`,
      ...(jwt.issuer !== undefined && { issuer: jwt.issuer }),
      ...(jwt.audience !== undefined && { audience: jwt.audience }),
    };
  }
  throw new UsageError(
    'token: give --secret, set JWT_SECRET_KEY, or name a --config file with gateway.auth.jwt.secret',
  );
}

/** `30`, `45s`, `30m`, `1h`, `7d` as seconds. */
function ttlSeconds(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (ttlUnits[match[2] || 's'] ?? 1) : 0;
  if (seconds <= 0) {
    throw new UsageError(
      `--ttl: must be a positive duration such as 3600, 30m, 1h or 7d, got "${text}"`,
    );
  }
  return seconds;
}

/** `role=admin` → `{ role: 'admin' }`; `admin=true` → `{ admin: true }`, as JSON reads it. */
function claims(pairs: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const pair of pairs) {
    const split = pair.indexOf('=');
    const name = split > 0 ? pair.slice(0, split) : '';
    if (name === '') throw new UsageError(`--claim: must be name=value, got "${pair}"`);
    if (reservedClaims.has(name)) {
      throw new UsageError(`--claim ${name}: set by the command (use --sub and --ttl)`);
    }
    result[name] = jsonOrText(pair.slice(split + 1));
  }
  return result;
}

function jsonOrText(text: string): unknown {
  const value = parseJson(text);
  return value === undefined ? text : value;
}

/** The gateway accepts any of several issuers; a token names one. */
function firstOf(value: string | string[]): string {
  return Array.isArray(value) ? (value[0] ?? '') : value;
}
