import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { RcCallLogRecordDto } from './rc-call-log-record.dto.js';

const MAX_TEXT = 100_000;

/**
 * POST /callLog. The contract marks contactId as required, but App Connect answers a
 * call without a contact with a warning naming the number, so it is optional here and
 * the service says what is missing.
 */
export class CreateCallLogDto {
  @ApiProperty({ type: () => RcCallLogRecordDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RcCallLogRecordDto)
  logInfo: RcCallLogRecordDto;

  @ApiPropertyOptional({ description: 'Legacy extension identity, used when hashedExtensionId is absent.', example: '101' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  extensionNumber?: string;

  @ApiPropertyOptional({ description: 'Hashed RingCentral extension id; preferred extension identity.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  hashedExtensionId?: string;

  @ApiPropertyOptional({ description: 'Raw RingCentral extension id from server-side logging (accepted, not used for the key).' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  rcExtensionId?: string;

  @ApiPropertyOptional({ description: 'CRM contact id. Without it the call is not logged and a warning names the number.', example: '1' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  contactId?: string;

  @ApiPropertyOptional({ example: 'Contact' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  contactType?: string;

  @ApiPropertyOptional({ example: 'Jane Smith' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  contactName?: string;

  @ApiPropertyOptional({ description: 'Agent note.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  note?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "Values of the manifest's call-log additional fields." })
  @IsOptional()
  @IsObject()
  additionalSubmission?: Record<string, unknown>;

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
