import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, type TransformFnParams } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { OptionalString, OptionalText } from '../../common/dto/field-decorators.js';

/** CRM ids arrive as strings or numbers; they are kept as strings. A non-finite number is left for the validator. */
const idAsString = ({ value }: TransformFnParams): unknown =>
  typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;

const CONTACT_ID_DOC = { oneOf: [{ type: 'string' }, { type: 'number' }], description: 'CRM contact id.' };
const INSTANT_DOC = { type: 'string', format: 'date-time' } as const;

class CalldownFieldsDto {
  @ApiPropertyOptional(CONTACT_ID_DOC)
  @IsOptional()
  @Transform(idAsString)
  @IsString({ message: 'contactId must be a string or a whole number' })
  @MaxLength(255)
  contactId?: string;

  @OptionalString(64, { description: 'Connector-defined contact type (Contact, Lead...).' })
  contactType?: string;

  @OptionalString(255, { description: 'Contact display name, shown in the list.' })
  contactName?: string;

  @OptionalString(64, { description: 'Number to call back.' })
  phoneNumber?: string;

  @OptionalText({ description: 'Why to call back.' })
  note?: string;
}

export class CreateCalldownDto extends CalldownFieldsDto {
  @ApiPropertyOptional({ ...INSTANT_DOC, description: 'When to call back (ISO-8601).' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'scheduledAt must be an ISO-8601 date-time' })
  scheduledAt?: string;
}

export class UpdateCalldownDto extends CalldownFieldsDto {
  @ApiPropertyOptional({ description: 'scheduled or called.', example: 'called' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  status?: string;

  @ApiPropertyOptional({ ...INSTANT_DOC, nullable: true, description: 'When to call back; null clears it.' })
  @ValidateIf((_dto, value) => value !== undefined && value !== null)
  @IsISO8601({ strict: true }, { message: 'scheduledAt must be an ISO-8601 date-time or null' })
  scheduledAt?: string | null;

  @ApiPropertyOptional({ ...INSTANT_DOC, nullable: true, description: 'When the contact was last called; null clears it.' })
  @ValidateIf((_dto, value) => value !== undefined && value !== null)
  @IsISO8601({ strict: true }, { message: 'lastCallAt must be an ISO-8601 date-time or null' })
  lastCallAt?: string | null;
}

export class CalldownListQueryDto {
  @ApiPropertyOptional({
    description: '`called`: only called entries; `not called` / `not_called` / `notcalled`: the others; anything else or none: all.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  status?: string;
}

export class CalldownEntryDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String }) contactId: string | null;
  @ApiProperty({ nullable: true, type: String }) contactType: string | null;
  @ApiProperty({ nullable: true, type: String }) contactName: string | null;
  @ApiProperty({ nullable: true, type: String }) phoneNumber: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ example: 'scheduled' }) status: string;
  @ApiProperty({ ...INSTANT_DOC, nullable: true }) scheduledAt: string | null;
  @ApiProperty({ ...INSTANT_DOC, nullable: true }) lastCallAt: string | null;
  @ApiProperty(INSTANT_DOC) createdAt: string;
  @ApiProperty(INSTANT_DOC) updatedAt: string;
}

export class CalldownListResponseDto {
  @ApiProperty({ enum: [true] }) successful: true;
  @ApiProperty({ type: [CalldownEntryDto] }) items: CalldownEntryDto[];
}

export class CalldownCreateResponseDto {
  @ApiProperty({ enum: [true] }) successful: true;
  @ApiProperty() id: string;
}

export class CalldownMutationResponseDto {
  @ApiProperty({ enum: [true] }) successful: true;
}

