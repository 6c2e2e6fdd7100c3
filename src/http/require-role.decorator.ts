import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from '../interfaces/command-catalogue.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ProblemDetailsSchema } from './problem-details.schema.js';
import { REQUIRED_ROLE } from './required-role.js';

/**
 * Puts a controller (or one route) behind an API key of at least `role`. A method's role overrides its class's. The
 * guard refuses a route that carries the guard but no role, so forgetting the role fails closed.
 */
export const RequireRole = (role: Role) =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    UseGuards(ApiKeyGuard),
    ApiSecurity('api-key'),
    ApiUnauthorizedResponse({ description: 'No API key, or a key that is not configured', type: ProblemDetailsSchema }),
    ApiForbiddenResponse({ description: `The key's role is below ${role}`, type: ProblemDetailsSchema }),
  );
