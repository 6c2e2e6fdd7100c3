import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { CommandMetadata } from '../../commands/command-metadata.js';
import { ACTOR_PATTERN, ACTOR_PATTERN_MESSAGE, type Actor } from '../../domain/event-metadata.js';

/** Who sent an import command: checked like the payload, since it becomes the "who" of every event appended. */
export class ImportCommandMetadataDto implements CommandMetadata {
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  commandId: string;

  @IsOptional()
  @IsString({ message: 'must be a string' })
  correlationId?: string;

  @IsOptional()
  @IsString({ message: 'must be a string' })
  causationId?: string;

  @Matches(ACTOR_PATTERN, { message: ACTOR_PATTERN_MESSAGE })
  actor: Actor;
}
