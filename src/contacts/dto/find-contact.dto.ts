import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Optional } from '../../common/dto/field-decorators.js';
import { ReturnMessageDto } from '../../common/dto/return-message.dto.js';
import { ContactInfoDto } from './contact-info.dto.js';
import { queryBoolean } from '../../common/dto/query-boolean.transform.js';

export class FindContactQueryDto {
  @ApiProperty({
    description:
      'Phone number to search, normally E.164. Any common punctuation is accepted; a leading "+" that URL decoding turned into a space is restored.',
    example: '+14155550100',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  phoneNumber: string;

  @ApiPropertyOptional({
    description: 'Comma-separated phone-number formats used by CRM-specific matching; each "*" is one national digit.',
    example: '(***) ***-****,***-***-****',
  })
  @Optional()
  @IsString()
  @MaxLength(1024)
  overridingFormat?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Marks the lookup as an internal extension-number lookup.' })
  @Optional()
  @Transform(queryBoolean)
  @IsBoolean()
  isExtension?: boolean;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Bypass and refresh cached contact search data.' })
  @Optional()
  @Transform(queryBoolean)
  @IsBoolean()
  isForceRefreshAccountData?: boolean;
}

export class ContactNameSearchQueryDto {
  @ApiProperty({ description: 'Text to look for in contact names.', example: 'Jane' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;
}

export class ContactSearchResponseDto {
  @ApiProperty({ description: 'Whether the connector completed the lookup successfully.' })
  successful: boolean;

  @ApiPropertyOptional({ type: ReturnMessageDto })
  returnMessage?: ReturnMessageDto;

  @ApiProperty({
    type: [ContactInfoDto],
    description:
      'Matched contacts, ending with the synthetic create-new choice (id createNewContact, isNewContact true). The legacy property name is singular.',
  })
  contact: ContactInfoDto[];
}
