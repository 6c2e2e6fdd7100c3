import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from '../interfaces/command-catalogue.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ProblemDetailsSchema } from './problem-details.schema.js';
import { REQUIRED_ROLE } from './required-role.js';

/**
 * Puts a controller, or one route, behind an API key of at least `role`; a method's role overrides its class's. The
 * guard is attached either way, so a route marked alone is never left open; on a class the OpenAPI security and the
 * 401 answer are documented once for all its routes.
 */
export const RequireRole =
  (role: Role) =>
  (target: object, key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    const forbidden = ApiForbiddenResponse({
      description: `The key's role is below ${role}`,
      type: ProblemDetailsSchema,
    });
    if (key === undefined) {
      applyDecorators(
        SetMetadata(REQUIRED_ROLE, role),
        UseGuards(ApiKeyGuard),
        ApiSecurity('api-key'),
        ApiUnauthorizedResponse({
          description: 'No API key, or a key that is not configured',
          type: ProblemDetailsSchema,
        }),
        forbidden,
      )(target as new (...args: never[]) => unknown);
      return;
    }
    applyDecorators(SetMetadata(REQUIRED_ROLE, role), UseGuards(ApiKeyGuard), forbidden)(target, key, descriptor!);
  };
