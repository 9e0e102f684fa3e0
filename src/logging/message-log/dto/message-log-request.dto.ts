import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { OptionalString, OptionalText } from '../../../common/dto/field-decorators.js';
import { KeepExtraFields } from '../../../common/keep-extra-fields.js';

export const MESSAGE_TYPES = ['SMS', 'MMS', 'VoiceMail', 'Fax', 'Pager', 'Text'] as const;
export const MAX_MESSAGES_PER_REQUEST = 1000;

/** RingCentral ids arrive as JSON numbers or strings; both are fine, empty is not. */
const IsRingCentralId = () =>
  ValidateBy({
    name: 'isRingCentralId',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'string' && value.length > 0 && value.length <= 128) ||
        (typeof value === 'number' && Number.isFinite(value)),
      defaultMessage: (args) => `${args?.property} must be a non-empty string or a number`,
    },
  });

const numberToString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

@KeepExtraFields()
export class MessagePartyDto {
  @OptionalString(2048, { example: '+14155550100' })
  phoneNumber?: string;

  @OptionalString(2048)
  extensionNumber?: string;

  @OptionalString(2048)
  name?: string;

  [key: string]: unknown;
}

@KeepExtraFields()
export class MessageAttachmentDto {
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer', format: 'int64' }] })
  @IsOptional()
  @IsRingCentralId()
  id?: string | number;

  @OptionalString(2048, { description: 'RingCentral resource URI (needs a token to download).' })
  uri?: string;

  @OptionalString(2048, { description: 'View link when RingCentral supplies one.' })
  link?: string;

  @OptionalString(2048, { example: 'AudioRecording', description: 'AudioRecording, RenderedDocument, MmsAttachment, Text, ...' })
  type?: string;

  @OptionalString(2048, { example: 'image/png' })
  contentType?: string;

  [key: string]: unknown;
}

@KeepExtraFields()
export class RcMessageDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer', format: 'int64' }], description: 'De-duplication key.' })
  @IsRingCentralId()
  id: string | number;

  @ApiProperty({ enum: MESSAGE_TYPES })
  @IsIn(MESSAGE_TYPES)
  type: (typeof MESSAGE_TYPES)[number];

  @ApiPropertyOptional({ enum: ['Inbound', 'Outbound'] })
  @IsOptional()
  @IsIn(['Inbound', 'Outbound'])
  direction?: 'Inbound' | 'Outbound';

  @ApiPropertyOptional({ type: MessagePartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MessagePartyDto)
  from?: MessagePartyDto;

  @ApiPropertyOptional({ type: [MessagePartyDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MessagePartyDto)
  to?: MessagePartyDto[];

  @OptionalText({ description: 'Message text.' })
  subject?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Decides the digest day; the server time when absent.' })
  @IsOptional()
  @IsISO8601()
  creationTime?: string;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer', format: 'int64' }] })
  @IsOptional()
  @IsRingCentralId()
  conversationId?: string | number;

  @ApiPropertyOptional({ type: [MessageAttachmentDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MessageAttachmentDto)
  attachments?: MessageAttachmentDto[];

  [key: string]: unknown;
}

@KeepExtraFields()
export class MessageCorrespondentDto {
  @ApiProperty({ example: '+14155550100' })
  @IsString()
  phoneNumber: string;

  @OptionalString(2048)
  name?: string;

  @OptionalString(2048)
  type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(numberToString)
  @IsString()
  id?: string;

  [key: string]: unknown;
}

@KeepExtraFields()
export class ThreadPartyDto {
  @OptionalString(2048)
  name?: string;

  @OptionalString(2048, { description: 'Department or CallQueue: the thread arrived on a call queue.' })
  extensionType?: string;

  [key: string]: unknown;
}

/** An agent's internal note on a shared SMS thread. */
@KeepExtraFields()
export class SharedSmsNoteDto {
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsOptional()
  @IsRingCentralId()
  id?: string | number;

  @ApiProperty()
  @IsString()
  @MaxLength(10_000)
  text: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  creationTime?: string;

  @ApiPropertyOptional({ type: ThreadPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ThreadPartyDto)
  author?: ThreadPartyDto;

  [key: string]: unknown;
}

@KeepExtraFields()
export class MessageConversationLogDto {
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer', format: 'int64' }] })
  @IsOptional()
  @IsRingCentralId()
  conversationId?: string | number;

  @ApiPropertyOptional({ description: 'Shared SMS: the client-generated thread id that keys its one activity.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  conversationLogId?: string;

  @ApiProperty({ type: [RcMessageDto] })
  @IsArray()
  @ArrayMaxSize(MAX_MESSAGES_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => RcMessageDto)
  messages: RcMessageDto[];

  @ApiProperty({ type: [MessageCorrespondentDto], description: 'More than one makes a group SMS.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MessageCorrespondentDto)
  correspondents: MessageCorrespondentDto[];

  @ApiPropertyOptional({ type: ThreadPartyDto, description: 'Present for shared SMS threads.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ThreadPartyDto)
  owner?: ThreadPartyDto;

  @ApiPropertyOptional({ type: ThreadPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ThreadPartyDto)
  assignee?: ThreadPartyDto;

  @ApiPropertyOptional({ type: [SharedSmsNoteDto], description: 'Shared SMS: internal notes on the thread.' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SharedSmsNoteDto)
  notes?: SharedSmsNoteDto[];

  @ApiPropertyOptional({
    format: 'password',
    writeOnly: true,
    description: 'RingCentral token for fax/MMS download links. Passed to the connector only; never stored or logged.',
  })
  @IsOptional()
  @IsString()
  rcAccessToken?: string;

  [key: string]: unknown;
}

export class MessageLogRequestDto {
  @ApiProperty({ type: MessageConversationLogDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MessageConversationLogDto)
  logInfo: MessageConversationLogDto;

  @ApiProperty({ description: 'CRM contact the messages are logged against.', example: '1' })
  @Transform(numberToString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  contactId: string;

  @OptionalString(2048, { example: 'Jane Smith' })
  contactName?: string;

  @OptionalString(2048, { example: 'Contact' })
  contactType?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "Values of the manifest's page.messageLog.additionalFields.",
  })
  @IsOptional()
  @IsObject()
  additionalSubmission?: Record<string, unknown>;

  @ApiPropertyOptional({ oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] })
  @IsOptional()
  overridingFormat?: string | string[];
}
