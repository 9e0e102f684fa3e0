import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsObject, IsString, MaxLength } from 'class-validator';
import { Optional } from '../../common/dto/field-decorators.js';
import { ReturnMessageDto } from '../../common/dto/return-message.dto.js';

export class ApiKeyLoginDto {
  @ApiProperty({ description: 'Connector platform key, as listed by /crmManifest.', example: 'local' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  platform: string;

  @ApiPropertyOptional({
    description:
      'Primary connector credential (the local CRM: `demo`). Required by every connector whose sign-in page has an `apiKey` field; ' +
      'connectors that sign in with other fields (Redtail: user name and password in `additionalInfo`) take none.',
    format: 'password',
    writeOnly: true,
    example: 'demo',
  })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  apiKey?: string;

  @ApiPropertyOptional({ description: 'Tenant-specific CRM host name (e.g. a Pipedrive company domain).' })
  @Optional()
  @IsString()
  @MaxLength(255)
  hostname?: string;

  @ApiPropertyOptional({
    description: 'Connector-defined fields. The local CRM reads `timezone` (IANA name or ±HH:MM).',
    type: 'object',
    additionalProperties: true,
    // No timezone here: "Try it out" would change the stored timezone of whoever signs in.
    example: {},
  })
  @Optional()
  @IsObject()
  additionalInfo?: Record<string, unknown>;

  @ApiPropertyOptional({ deprecated: true, description: 'Ignored; kept for older clients.' })
  @Optional()
  @IsString()
  userEmail?: string;

  @ApiPropertyOptional({ deprecated: true, description: 'Ignored; kept for older clients.' })
  @Optional()
  @IsBoolean()
  isPrivate?: boolean;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'App Connect session JWT for every other route.' })
  jwtToken: string;

  @ApiProperty({ description: 'CRM user display name.' })
  name: string;

  @ApiProperty({ type: ReturnMessageDto })
  returnMessage: ReturnMessageDto;
}
