import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCallStartTime } from './call-log-field.validators.js';
import {
  CALL_DIRECTIONS,
  type CallDirection,
  RcCallLogLegDto,
  RcPartyDto,
  START_TIME_SCHEMA,
} from './rc-call-log-record.dto.js';

const MAX_TEXT = 100_000;

/** PATCH /callLog: finds the log by session key and changes only the fields sent. */
export class UpdateCallLogDto {
  @ApiProperty({ example: '987654321' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  sessionId: string;

  @ApiPropertyOptional({ example: '101' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  extensionNumber?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  hashedExtensionId?: string;

  @ApiPropertyOptional({ description: 'Accepted, not used for the key.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  rcExtensionId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  accountId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  telephonySessionId?: string;

  @ApiPropertyOptional({ format: 'uri' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  recordingLink?: string;

  @ApiPropertyOptional({
    format: 'uri',
    description: 'May embed a RingCentral access token: accepted but never stored, logged or put in a body.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  recordingDownloadLink?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  subject?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  note?: string;

  @ApiPropertyOptional(START_TIME_SCHEMA)
  @IsOptional()
  @IsCallStartTime()
  startTime?: string | number;

  @ApiPropertyOptional({ description: 'Completed call duration in seconds.', example: 300 })
  @IsOptional()
  @IsInt()
  @Min(0)
  duration?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  result?: string;

  @ApiPropertyOptional({ enum: CALL_DIRECTIONS })
  @IsOptional()
  @IsIn(CALL_DIRECTIONS)
  direction?: CallDirection;

  @ApiPropertyOptional({ type: () => RcPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RcPartyDto)
  from?: RcPartyDto;

  @ApiPropertyOptional({ type: () => RcPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RcPartyDto)
  to?: RcPartyDto;

  @ApiPropertyOptional({ type: () => [RcCallLogLegDto], description: 'Replaces the stored legs.' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RcCallLogLegDto)
  legs?: RcCallLogLegDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  aiNote?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  transcript?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Merged over the stored values.' })
  @IsOptional()
  @IsObject()
  additionalSubmission?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  ringSenseTranscript?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  ringSenseSummary?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  ringSenseAIScore?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  ringSenseBulletedSummary?: string;

  @ApiPropertyOptional({ format: 'uri' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  ringSenseLink?: string;
}
