import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Optional } from '../../common/dto/field-decorators.js';

export class OAuthCallbackQueryDto {
  @ApiPropertyOptional({ description: 'Opaque OAuth state; carries `platform=<name>` (or is the platform name).', example: 'platform=pipedrive' })
  @Optional()
  @IsString()
  @MaxLength(2048)
  state?: string;

  @ApiPropertyOptional({ description: 'One-time authorization code from the CRM.', example: 'one-time-code-from-the-crm' })
  @Optional()
  @IsString()
  @MaxLength(4096)
  code?: string;

  @ApiPropertyOptional({
    description: 'Full browser callback URI containing code and state.',
    example: 'https://app.example.com/oauth/callback?code=one-time-code-from-the-crm&state=platform%3Dpipedrive',
  })
  @Optional()
  @IsString()
  @MaxLength(8192)
  callbackUri?: string;

  @ApiPropertyOptional({ description: 'Tenant-specific CRM host name kept through the flow.' })
  @Optional()
  @IsString()
  @MaxLength(255)
  hostname?: string;

  @ApiPropertyOptional({ description: 'CRM login name, for CRMs whose data centre is found by user (Bullhorn).' })
  @Optional()
  @IsString()
  @MaxLength(255)
  username?: string;
}
