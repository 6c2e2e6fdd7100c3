import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Role } from '../interfaces/command-catalogue.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { principalOf, type RequestWithPrincipal } from './api-key.guard.js';
import { RequireRole } from './require-role.decorator.js';

export class CallerSchema {
  @ApiProperty({
    enum: ['viewer', 'operator', 'admin'],
    example: 'viewer',
    description: "The key's role; admin when the API is open",
  })
  role: Role;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '3f2a9c1d0b7e',
    description: 'Non-secret id of the key (as in command actors); null when the API is open',
  })
  keyId: string | null;
  @ApiProperty({ example: false, description: 'API_KEYS unset: every request is let in with every role' })
  open: boolean;
}

/**
 * Who the presented key is, so a client (the dashboard) can turn off up front what the key may not do instead of
 * letting the operator confirm a command the engine then refuses. The engine still checks every request: this
 * answer only says what it would decide now.
 */
@ApiTags('auth')
@RequireRole('viewer')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly authenticator: ApiKeyAuthenticator) {}

  @Get('me')
  // Per key: a shared cache must never hand one key's role to another.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "The calling key's role and id (never the key itself)" })
  @ApiOkResponse({ type: CallerSchema })
  me(@Req() request: RequestWithPrincipal): CallerSchema {
    const { role, keyId } = principalOf(request);
    // The guard lets every request in as admin while the API is open, whatever key it carries: say so.
    return { role, keyId, open: this.authenticator.open };
  }
}
