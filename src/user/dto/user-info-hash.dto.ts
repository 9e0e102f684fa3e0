import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../common/dto/field-decorators.js';

const RC_ID = /^[0-9]{1,20}$/;

export class UserInfoHashQueryDto {
  @ApiPropertyOptional({ description: 'RingCentral extension id to hash.', example: '62264425001' })
  @Optional()
  @IsString()
  @MaxLength(20)
  @Matches(RC_ID, { message: 'extensionId must be a RingCentral id (digits only)' })
  extensionId?: string;

  @ApiPropertyOptional({ description: 'RingCentral account id to hash.', example: '37439510' })
  @Optional()
  @IsString()
  @MaxLength(20)
  @Matches(RC_ID, { message: 'accountId must be a RingCentral id (digits only)' })
  accountId?: string;
}

export class UserInfoHashResponseDto {
  @ApiProperty({ description: 'hex sha256 of "<extensionId>:<HASH_KEY>"', minLength: 64, maxLength: 64 })
  extensionId?: string;

  @ApiProperty({ description: 'hex sha256 of "<accountId>:<HASH_KEY>"', minLength: 64, maxLength: 64 })
  accountId?: string;
}
