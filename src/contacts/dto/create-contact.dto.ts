import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../common/dto/field-decorators.js';
import { ReturnMessageDto } from '../../common/dto/return-message.dto.js';
import { ContactInfoDto } from './contact-info.dto.js';

export class CreateContactDto {
  @ApiProperty({ description: 'Phone number for the new CRM record, normally in E.164 form.', example: '+14155550199' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  phoneNumber: string;

  @ApiProperty({ description: 'Display name for the new CRM record.', example: 'Alex Morgan' })
  @IsString()
  @Matches(/\S/, { message: 'newContactName must not be blank' })
  @MaxLength(255)
  newContactName: string;

  @ApiPropertyOptional({
    description: "Connector-defined CRM entity type, such as Contact, Lead, or Candidate (one of the manifest's contactTypes).",
    example: 'Contact',
  })
  @Optional()
  @IsString()
  @MaxLength(64)
  newContactType?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Connector-defined creation or association fields collected by App Connect.',
  })
  @Optional()
  @IsObject()
  additionalSubmission?: Record<string, unknown>;
}

export class ContactMutationResponseDto {
  @ApiProperty({ description: 'Whether the CRM contact was created.' })
  successful: boolean;

  @ApiPropertyOptional({ type: ReturnMessageDto })
  returnMessage?: ReturnMessageDto;

  @ApiPropertyOptional({ type: ContactInfoDto })
  contact?: ContactInfoDto;
}

export const CREATE_CONTACT_EXAMPLE = { phoneNumber: '+14155550199', newContactName: 'Alex Morgan', newContactType: 'Contact' };
