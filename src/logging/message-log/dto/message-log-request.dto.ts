import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import {
  MAX_LIST_LENGTH,
  Optional,
  OptionalDateTime,
  OptionalNested,
  OptionalNestedArray,
  OptionalString,
  OptionalText,
  OptionalUrl,
} from '../../../common/dto/field-decorators.js';
import { KeepExtraFields } from '../../../common/keep-extra-fields.js';

export const MESSAGE_TYPES = ['SMS', 'MMS', 'VoiceMail', 'Fax', 'Pager', 'Text'] as const;
/** RingCentral's message attachment types. */
export const ATTACHMENT_TYPES = ['AudioRecording', 'AudioTranscription', 'Text', 'SourceDocument', 'RenderedDocument', 'MmsAttachment'] as const;
export const MAX_MESSAGES_PER_REQUEST = 1000;
const MAX_ATTACHMENTS = 50;

/**
 * RingCentral ids arrive as JSON numbers or strings; both are fine, empty is not. The body
 * parser turns integers beyond 2^53 into their exact digits, so a number here is exact.
 */
const IsRingCentralId = () =>
  ValidateBy({
    name: 'isRingCentralId',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'string' && value.length > 0 && value.length <= 128) ||
        (typeof value === 'number' && Number.isSafeInteger(value)),
      defaultMessage: (args) => `${args?.property} must be a non-empty string or an integer`,
    },
  });

/** A string of formats, or a list of them: the two shapes the contract allows, bounded. */
const IsPhoneFormats = () =>
  ValidateBy({
    name: 'isPhoneFormats',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'string' && value.length <= 1024) ||
        (Array.isArray(value) &&
          value.length <= 20 &&
          value.every((item) => typeof item === 'string' && item.length <= 1024)),
      defaultMessage: (args) => `${args?.property} must be a string or a list of at most 20 strings`,
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
  @Optional()
  @IsRingCentralId()
  id?: string | number;

  @OptionalUrl(2048, { description: 'RingCentral resource URI (needs a token to download).' })
  uri?: string;

  @OptionalUrl(2048, { description: 'View link when RingCentral supplies one.' })
  link?: string;

  @ApiPropertyOptional({ enum: ATTACHMENT_TYPES, example: 'AudioRecording' })
  @Optional()
  @IsIn(ATTACHMENT_TYPES)
  type?: (typeof ATTACHMENT_TYPES)[number];

  @OptionalString(255, { example: 'image/png' })
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
  @Optional()
  @IsIn(['Inbound', 'Outbound'])
  direction?: 'Inbound' | 'Outbound';

  @OptionalNested(() => MessagePartyDto)
  from?: MessagePartyDto;

  @OptionalNestedArray(() => MessagePartyDto)
  to?: MessagePartyDto[];

  @OptionalText({ description: 'Message text.' })
  subject?: string;

  @OptionalDateTime({ description: 'Decides the digest day; the server time when absent.' })
  creationTime?: string;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer', format: 'int64' }] })
  @Optional()
  @IsRingCentralId()
  conversationId?: string | number;

  @OptionalNestedArray(() => MessageAttachmentDto, { maxItems: MAX_ATTACHMENTS })
  attachments?: MessageAttachmentDto[];

  [key: string]: unknown;
}

@KeepExtraFields()
export class MessageCorrespondentDto {
  @ApiProperty({ example: '+14155550100', maxLength: 64 })
  @IsString()
  @MaxLength(64)
  phoneNumber: string;

  @OptionalString(2048)
  name?: string;

  @OptionalString(2048)
  type?: string;

  @ApiPropertyOptional()
  @Optional()
  @Transform(numberToString)
  @IsString()
  @MaxLength(255)
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
  @Optional()
  @IsRingCentralId()
  id?: string | number;

  @ApiProperty()
  @IsString()
  @MaxLength(10_000)
  text: string;

  @OptionalDateTime()
  creationTime?: string;

  @OptionalNested(() => ThreadPartyDto)
  author?: ThreadPartyDto;

  [key: string]: unknown;
}

@KeepExtraFields()
export class MessageConversationLogDto {
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer', format: 'int64' }] })
  @Optional()
  @IsRingCentralId()
  conversationId?: string | number;

  @ApiPropertyOptional({ description: 'Shared SMS: the client-generated thread id that keys its one activity.' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  conversationLogId?: string;

  @ApiProperty({ type: [RcMessageDto], maxItems: MAX_MESSAGES_PER_REQUEST })
  @IsArray()
  @ArrayMaxSize(MAX_MESSAGES_PER_REQUEST)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RcMessageDto)
  messages: RcMessageDto[];

  @ApiProperty({ type: [MessageCorrespondentDto], maxItems: MAX_LIST_LENGTH, description: 'More than one makes a group SMS.' })
  @IsArray()
  @ArrayMaxSize(MAX_LIST_LENGTH)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => MessageCorrespondentDto)
  correspondents: MessageCorrespondentDto[];

  @OptionalNested(() => ThreadPartyDto, { description: 'Present for shared SMS threads.' })
  owner?: ThreadPartyDto;

  @OptionalNested(() => ThreadPartyDto)
  assignee?: ThreadPartyDto;

  @OptionalNestedArray(() => SharedSmsNoteDto, { maxItems: MAX_MESSAGES_PER_REQUEST, description: 'Shared SMS: internal notes on the thread.' })
  notes?: SharedSmsNoteDto[];

  @ApiPropertyOptional({
    format: 'password',
    writeOnly: true,
    description: 'RingCentral token for fax/MMS download links. Passed to the connector only; never stored or logged.',
  })
  @Optional()
  @IsString()
  @MaxLength(4096)
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
  @Optional()
  @IsObject()
  additionalSubmission?: Record<string, unknown>;

  @ApiPropertyOptional({ oneOf: [{ type: 'array', items: { type: 'string' }, maxItems: 20 }, { type: 'string', maxLength: 1024 }] })
  @Optional()
  @IsPhoneFormats()
  overridingFormat?: string | string[];
}

export const MESSAGE_LOG_EXAMPLE = {
  contactId: '1',
  contactName: 'Jane Smith',
  contactType: 'Contact',
  logInfo: {
    conversationId: '5578984350117917661',
    correspondents: [{ phoneNumber: '+14155550100', name: 'Jane Smith' }],
    messages: [
      {
        id: '1724099032020',
        type: 'SMS',
        direction: 'Inbound',
        subject: 'Can we talk later today?',
        from: { phoneNumber: '+14155550100', name: 'Jane Smith' },
        to: [{ phoneNumber: '+16505550199', extensionNumber: '101' }],
        creationTime: '2026-06-24T03:15:00.000Z',
        conversationId: '5578984350117917661',
      },
    ],
  },
};
