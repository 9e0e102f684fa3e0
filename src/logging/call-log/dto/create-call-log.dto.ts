import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { OptionalString } from '../../../common/dto/field-decorators.js';
import { CallLogContentDto } from './call-log-content.dto.js';
import { RcCallLogRecordDto } from './rc-call-log-record.dto.js';

/**
 * POST /callLog. The contract marks contactId as required, but App Connect answers a
 * call without a contact with a warning naming the number, so it is optional here and
 * the service says what is missing.
 */
export class CreateCallLogDto extends CallLogContentDto {
  @ApiProperty({ type: () => RcCallLogRecordDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RcCallLogRecordDto)
  logInfo: RcCallLogRecordDto;

  @OptionalString(64, { description: 'Legacy extension identity, used when hashedExtensionId is absent.', example: '101' })
  extensionNumber?: string;

  @OptionalString(255, { description: 'Hashed RingCentral extension id; preferred extension identity.' })
  hashedExtensionId?: string;

  @OptionalString(255, { description: 'Raw RingCentral extension id from server-side logging (accepted, not used for the key).' })
  rcExtensionId?: string;

  @OptionalString(255, { description: 'CRM contact id. Without it the call is not logged and a warning names the number.', example: '1' })
  contactId?: string;

  @OptionalString(64, { example: 'Contact' })
  contactType?: string;

  @OptionalString(255, { example: 'Jane Smith' })
  contactName?: string;
}

/** The example the OpenAPI document shows and "Try it out" sends: a realistic call, nothing filler. */
export const CREATE_CALL_LOG_EXAMPLE = {
  logInfo: {
    id: '4Jq0YdwVhY8uVWgA',
    sessionId: '987654321',
    direction: 'Outbound',
    type: 'Voice',
    action: 'VoIP Call',
    result: 'Call connected',
    from: { phoneNumber: '+16505550199', extensionNumber: '101', name: 'Demo User' },
    to: { phoneNumber: '+14155550100', name: 'Jane Smith' },
    startTime: '2026-06-24T02:30:00.000Z',
    duration: 125,
  },
  hashedExtensionId: 'example-hashed-extension-id',
  contactId: '1',
  contactType: 'Contact',
  contactName: 'Jane Smith',
  note: 'Discussed the renewal; follow up next week.',
};
