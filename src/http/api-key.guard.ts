import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../interfaces/command-catalogue.js';
import { ApiKeyAuthenticator, OPEN_PRINCIPAL, roleAllows, type Principal } from './api-key-authenticator.js';
import { HttpProblem } from './http-problem.js';
import { REQUIRED_ROLE } from './required-role.js';

/** What the guard leaves on the request for controllers (`principalOf`). */
export interface RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

const CHALLENGE = { 'WWW-Authenticate': 'ApiKey realm="lengow-sync", header="X-API-Key"' };

/** The key from `X-API-Key`, or from `Authorization: ApiKey <key>`; undefined when neither is there. */
export function presentedKey(headers: RequestWithPrincipal['headers']): string | undefined {
  const header = headers['x-api-key'];
  const direct = Array.isArray(header) ? header[0] : header;
  if (direct !== undefined && direct !== '') return direct;
  const authorization = headers.authorization;
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = value === undefined ? null : /^ApiKey\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/**
 * 401 when no key or an unknown key is presented, 403 when the key's role is too low. The key never appears in a
 * response or a log line; only its non-secret id travels on, as the actor.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    // Attached on a class and again on a route: the key is checked once, the role each time (same answer).
    const principal = request.principal ?? this.identify(request);
    // A guarded route without a role is a wiring mistake: only admins get through, never everyone.
    const need = required ?? 'admin';
    if (!roleAllows(principal.role, need)) {
      throw new HttpProblem(
        403,
        'ROLE_TOO_LOW',
        'Forbidden',
        `this needs the ${need} role; the key has ${principal.role}`,
      );
    }
    request.principal = principal;
    return true;
  }

  private identify(request: RequestWithPrincipal): Principal {
    return identifyCaller(this.authenticator, request.headers);
  }
}

/** Who presents these headers: the open principal when the API is open, else the key's, else a 401 problem. */
export function identifyCaller(
  authenticator: ApiKeyAuthenticator,
  headers: RequestWithPrincipal['headers'],
): Principal {
  if (authenticator.open) return OPEN_PRINCIPAL;
  const key = presentedKey(headers);
  if (key === undefined) {
    throw new HttpProblem(
      401,
      'API_KEY_MISSING',
      'Unauthorized',
      'send an API key in the X-API-Key header (or Authorization: ApiKey <key>)',
      { headers: CHALLENGE },
    );
  }
  const principal = authenticator.authenticate(key);
  if (!principal) {
    throw new HttpProblem(401, 'API_KEY_UNKNOWN', 'Unauthorized', 'the API key is not one this engine knows', {
      headers: CHALLENGE,
    });
  }
  return principal;
}

export function principalOf(request: RequestWithPrincipal): Principal {
  if (!request.principal) throw new Error('principalOf on a route without ApiKeyGuard');
  return request.principal;
}
