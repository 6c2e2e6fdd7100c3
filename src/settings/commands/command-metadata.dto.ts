import { IsNotEmpty, Matches } from 'class-validator';
import { ACTOR_PATTERN, ACTOR_PATTERN_MESSAGE, type Actor } from '../../orders/domain/event-metadata.js';
import type { CommandMetadata } from '../../orders/commands/command-metadata.js';
import { OptionalText, Text } from './settings-dto-decorators.js';

/** Who sent a settings command: checked like the payload, since it becomes the audit trail's "who". */
export class CommandMetadataDto implements CommandMetadata {
  @Text() @IsNotEmpty({ message: 'must not be empty' }) commandId: string;
  @OptionalText() correlationId?: string;
  @OptionalText() causationId?: string;
  @Matches(ACTOR_PATTERN, { message: ACTOR_PATTERN_MESSAGE })
  actor: Actor;
}
