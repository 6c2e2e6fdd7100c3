import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from '../interfaces/command-catalogue.js';

/** Who is calling: the actor written into command metadata, and what the key may do. */
export interface Principal {
  /** `api-key:<key id>`, or `operator:anonymous` when the API is open (no API_KEYS). */
  readonly actor: `api-key:${string}` | 'operator:anonymous';
  readonly role: Role;
  /** Non-secret short hash of the key; null when the API is open. */
  readonly keyId: string | null;
}

interface KnownKey {
  readonly digest: Buffer;
  readonly keyId: string;
  readonly role: Role;
}

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** viewer < operator < admin: a role may do what the roles before it may. */
export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * Identifies a key in logs and event metadata without revealing it: the first 12 hex characters of a SHA-256 over a
 * fixed label and the key. A short, random key can still be guessed from its id — keys are meant to be long.
 */
export function keyIdOf(key: string): string {
  return createHash('sha256').update(`lengow-sync api key\0${key}`, 'utf8').digest('hex').slice(0, 12);
}

/**
 * Checks presented API keys against `API_KEYS` (`<key>:<role>[,…]`, already validated by the config). Keys are held
 * only as SHA-256 digests and compared with `timingSafeEqual` over those fixed-length digests, against every
 * configured key without stopping at a match, so neither the length nor the content of a key leaks through timing.
 */
export class ApiKeyAuthenticator {
  private readonly keys: readonly KnownKey[];

  constructor(spec: string | undefined) {
    this.keys = (spec ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const separator = part.lastIndexOf(':');
        const key = part.slice(0, separator);
        const role = part.slice(separator + 1) as Role;
        if (separator <= 0 || !ROLES.includes(role)) throw new Error('API_KEYS: an entry is not <key>:<role>');
        return { digest: digest(key), keyId: keyIdOf(key), role };
      });
  }

  /** No keys configured: every request is let in with every role (local/dev default, warned about at boot). */
  get open(): boolean {
    return this.keys.length === 0;
  }

  /** The principal for a presented key, or null when the key is not one of ours. */
  authenticate(presented: string): Principal | null {
    const candidate = digest(presented);
    let found: KnownKey | null = null;
    for (const known of this.keys) {
      // No early exit: every configured key is compared whatever the outcome.
      if (timingSafeEqual(candidate, known.digest) && found === null) found = known;
    }
    return found && { actor: `api-key:${found.keyId}`, role: found.role, keyId: found.keyId };
  }
}

/** The principal of every request while the API is open. */
export const OPEN_PRINCIPAL: Principal = { actor: 'operator:anonymous', role: 'admin', keyId: null };
