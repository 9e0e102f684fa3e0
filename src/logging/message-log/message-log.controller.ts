import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CrmSession } from '../../auth/crm-session.js';
import { RequiresSession, Session } from '../../auth/session.decorator.js';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { MESSAGE_LOG_EXAMPLE, MessageLogRequestDto } from './dto/message-log-request.dto.js';
import { MessageLogResponseDto } from './dto/message-log-response.dto.js';
import { MessageLogService } from './message-log.service.js';

@ApiTags('Message Logs')
@Controller('messageLog')
export class MessageLogController {
  constructor(private readonly messageLogs: MessageLogService) {}

  @Post()
  @ApiBody({ type: MessageLogRequestDto, examples: { sms: { summary: 'One inbound SMS', value: MESSAGE_LOG_EXAMPLE } } })
  @HttpCode(200)
  @RequiresSession()
  @ApiOperation({
    summary: 'Log SMS, MMS, voicemail and fax into daily digests or a shared SMS thread',
    operationId: 'postMessageLog',
  })
  @ApiOkResponse({
    type: MessageLogResponseDto,
    description: 'Logged, nothing new to log (logIds empty, returnMessage null), or the CRM refused (successful false, its reason).',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed body; `fields` names what is wrong.' })
  log(@Session() session: CrmSession, @Body() body: MessageLogRequestDto): Promise<MessageLogResponseDto> {
    return this.messageLogs.logMessages(session, body);
  }
}
