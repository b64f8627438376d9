import { describe, expect, it } from 'vitest';
import { ErrorCodes } from './error-codes.js';
import { HeraldError, isHeraldError } from './herald-error.js';

describe('HeraldError', () => {
  it('carries its code, message and details, and is an Error named HeraldError', () => {
    const details = [{ path: 'payload.text', message: 'required' }];
    const error = new HeraldError(ErrorCodes.WS_MESSAGE_INVALID, 'invalid', details);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'HeraldError',
      code: 'WS_MESSAGE_INVALID',
      message: 'invalid',
      details,
    });
  });

  it('is temporary exactly when its code is temporary in the catalogue', () => {
    expect(new HeraldError(ErrorCodes.WS_UNAVAILABLE, 'later').temporary).toBe(true);
    expect(new HeraldError(ErrorCodes.WS_TIMEOUT, 'later').temporary).toBe(true);
    expect(new HeraldError(ErrorCodes.WS_FORBIDDEN, 'never').temporary).toBe(false);
    expect(new HeraldError('APP_OWN_CODE', 'an application code').temporary).toBe(false);
  });

  it('keeps the name a subclass gives itself', () => {
    class QuotaError extends HeraldError {
      override name = 'QuotaError';
    }
    const error = new QuotaError('APP_QUOTA', 'over quota');
    expect(error.name).toBe('QuotaError');
    expect(isHeraldError(error)).toBe(true);
  });

  it('isHeraldError tells a HeraldError from other values', () => {
    expect(isHeraldError(new HeraldError(ErrorCodes.WS_INTERNAL, 'internal'))).toBe(true);
    expect(isHeraldError(new Error('plain'))).toBe(false);
    expect(isHeraldError({ code: 'WS_INTERNAL', message: 'look-alike' })).toBe(false);
  });
});
