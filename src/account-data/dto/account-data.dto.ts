import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { queryBoolean } from '../../common/dto/query-boolean.transform.js';
import { ReturnMessageDto } from '../../common/dto/return-message.dto.js';

export class AccountDataQueryDto {
  @ApiProperty({ description: 'Comma-separated data keys the connector offers (local: contactTypes; Pipedrive: activityTypes).', example: 'contactTypes' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  @Matches(/^\s*[\w.-]+(\s*,\s*[\w.-]+)*\s*$/, { message: 'keys must be a comma-separated list of data keys' })
  keys: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Load from the CRM even when a cached value is fresh.' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  forceRefresh?: boolean;
}

export class AccountDataResponseDto {
  @ApiProperty() successful: boolean;
  @ApiPropertyOptional({ type: ReturnMessageDto }) returnMessage?: ReturnMessageDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Each requested key with its value.' })
  data: Record<string, unknown>;
}
