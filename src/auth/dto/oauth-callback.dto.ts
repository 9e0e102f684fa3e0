import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class OAuthCallbackQueryDto {
  @ApiPropertyOptional({ description: 'Opaque OAuth state; carries `platform=<name>` (or is the platform name).' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  state?: string;

  @ApiPropertyOptional({ description: 'One-time authorization code from the CRM.' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  code?: string;

  @ApiPropertyOptional({ description: 'Full browser callback URI containing code and state.' })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  callbackUri?: string;

  @ApiPropertyOptional({ description: 'Tenant-specific CRM host name kept through the flow.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  hostname?: string;

  @ApiPropertyOptional({ description: 'CRM login name, for CRMs whose data centre is found by user (Bullhorn).' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  username?: string;
}
