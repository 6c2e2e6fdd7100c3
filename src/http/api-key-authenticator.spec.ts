import { ApiKeyAuthenticator, keyIdOf, roleAllows } from './api-key-authenticator.js';

describe('ApiKeyAuthenticator', () => {
  const keys = new ApiKeyAuthenticator('view-key-123:viewer,op-key-456:operator,admin-key-789:admin');

  it('recognises each configured key with its role, and the actor names the key id only', () => {
    expect(keys.authenticate('view-key-123')).toEqual({
      actor: `api-key:${keyIdOf('view-key-123')}`,
      role: 'viewer',
      keyId: keyIdOf('view-key-123'),
    });
    expect(keys.authenticate('op-key-456')?.role).toBe('operator');
    expect(keys.authenticate('admin-key-789')?.role).toBe('admin');
    expect(keys.open).toBe(false);
  });

  it('refuses unknown keys, prefixes and extensions of real keys, and case changes', () => {
    for (const wrong of ['', 'view-key-12', 'view-key-1234', 'VIEW-KEY-123', 'viewer', 'view-key-123 ']) {
      expect(keys.authenticate(wrong)).toBeNull();
    }
  });

  it('derives a short, stable, non-secret key id that never contains the key', () => {
    const id = keyIdOf('admin-key-789');
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(keyIdOf('admin-key-789')).toBe(id);
    expect(keyIdOf('admin-key-788')).not.toBe(id);
    expect(id).not.toContain('admin');
  });

  it('is open, with every role, when no keys are configured', () => {
    expect(new ApiKeyAuthenticator(undefined).open).toBe(true);
    expect(new ApiKeyAuthenticator('').open).toBe(true);
    expect(new ApiKeyAuthenticator(undefined).authenticate('anything')).toBeNull();
  });

  it('orders roles viewer < operator < admin', () => {
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('operator', 'operator')).toBe(true);
    expect(roleAllows('operator', 'admin')).toBe(false);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(roleAllows('viewer', 'viewer')).toBe(true);
  });

  it('refuses a malformed specification instead of guessing', () => {
    expect(() => new ApiKeyAuthenticator('key-without-role')).toThrow('API_KEYS');
    expect(() => new ApiKeyAuthenticator('k:superuser')).toThrow('API_KEYS');
  });
});
