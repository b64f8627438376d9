import { describe, expect, it } from 'vitest';
import { logRedaction, scrubText, scrubUrl, withoutSecret } from './redaction.js';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';
const parameters = new Set(['token', 'access_token', 'sid']);

describe('redaction', () => {
  it('replaces the values of credential parameters, by name as decoded, and leaves the rest', () => {
    expect(scrubUrl('/ws?room=1&token=abc&sid=x%20y&access%5Ftoken=z', parameters)).toBe(
      '/ws?room=1&token=[REDACTED]&sid=[REDACTED]&access%5Ftoken=[REDACTED]',
    );
    expect(scrubUrl('/ws?tokens=keep&token', parameters)).toBe('/ws?tokens=keep&token');
    expect(scrubUrl('/ws', parameters)).toBe('/ws');
  });

  it('adds the configured auth.tokenSources.query parameter to the ones redacted in URLs', () => {
    const url = (queryToken: string | false) =>
      logRedaction(queryToken).serializers?.url as (value: unknown) => unknown;
    expect(url('session')('/ws?session=abc&token=x&room=1')).toBe(
      '/ws?session=[REDACTED]&token=[REDACTED]&room=1',
    );
    expect(url(false)('/ws?session=abc')).toBe('/ws?session=abc');
  });

  it('replaces JWT-shaped strings anywhere in a text or URL', () => {
    expect(scrubText(`bad token ${jwt}, try again`)).toBe('bad token [REDACTED], try again');
    expect(scrubUrl(`/x/${jwt}?q=${jwt}`, parameters)).toBe('/x/[REDACTED]?q=[REDACTED]');
  });

  it('removes a secret from an error message and stack, and leaves other values alone', () => {
    const error = withoutSecret(new Error('no session s3cr3t-value'), 's3cr3t-value') as Error;
    expect(error.message).toBe('no session [REDACTED]');
    expect(error.stack).not.toContain('s3cr3t-value');
    expect(withoutSecret('s3cr3t-value', 's3cr3t-value')).toBe('s3cr3t-value');
  });
});
