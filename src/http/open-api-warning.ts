import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER } from '../app.tokens.js';
import type { Logger } from '../logging/logger.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';

/** Says once per boot that the API is open, so an exposed deployment without API_KEYS does not go unnoticed. */
@Injectable()
export class OpenApiWarning implements OnApplicationBootstrap {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.authenticator.open) return;
    this.logger.warn(
      'API_KEYS is not set: the HTTP API is open to anyone who can reach it, with every role (set API_KEYS outside local development)',
    );
  }
}
