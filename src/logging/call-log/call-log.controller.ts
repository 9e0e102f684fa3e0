import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CrmSession } from '../../auth/crm-session.js';
import { RequiresSession, Session } from '../../auth/session.decorator.js';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { CallLogService } from './call-log.service.js';
import { CallLogLookupQueryDto } from './dto/call-log-lookup.dto.js';
import {
  CallLogLookupResponseDto,
  CallLogMutationResponseDto,
  CallLogUpdateResponseDto,
} from './dto/call-log-response.dto.js';
import { CacheCallNoteDto } from './dto/cache-call-note.dto.js';
import { CREATE_CALL_LOG_EXAMPLE, CreateCallLogDto } from './dto/create-call-log.dto.js';
import { MutationResponseDto } from '../../common/dto/mutation-response.dto.js';
import { FromServerSideLogging } from './sscl.decorator.js';
import { UPDATE_CALL_LOG_EXAMPLE, UpdateCallLogDto } from './dto/update-call-log.dto.js';

@ApiTags('Call Logs')
@Controller('callLog')
@RequiresSession()
export class CallLogController {
  constructor(private readonly callLogs: CallLogService) {}

  @Post()
  @ApiBody({ type: CreateCallLogDto, examples: { call: { summary: 'An outbound call', value: CREATE_CALL_LOG_EXAMPLE } } })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a call log',
    description:
      'Creates one CRM activity per RingCentral call session and extension. A session already logged, or one without a contactId, answers successful:false with a warning and makes no CRM call. ' +
      'Server-side call logging (User-Agent: SSCL) sends the raw rcExtensionId; it is hashed as /userInfoHash does, so its log and the extension\'s view of the call are one.',
    operationId: 'postCallLog',
  })
  @ApiOkResponse({ type: CallLogMutationResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed body; `fields` names what is wrong.' })
  create(
    @Session() session: CrmSession,
    @Body() body: CreateCallLogDto,
    @FromServerSideLogging() isFromSSCL: boolean,
  ): Promise<CallLogMutationResponseDto> {
    return this.callLogs.create(session, body, isFromSSCL);
  }

  @Post('cacheNote')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Keep a call note for server-side call logging',
    description:
      'Keeps the note typed during a call for about an hour, per user and session; a server-side (User-Agent: SSCL) create or update of that call without a note uses it.',
    operationId: 'postCallLogCacheNote',
  })
  @ApiOkResponse({ type: MutationResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Missing sessionId or note.' })
  cacheNote(@Session() session: CrmSession, @Body() body: CacheCallNoteDto): Promise<MutationResponseDto> {
    return this.callLogs.cacheNote(session, body);
  }

  @Get()
  @ApiOperation({
    summary: 'Fetch existing call logs',
    description:
      'Answers up to five comma-separated session ids (further ids are ignored) with matched/logId; requireDetails=true adds the CRM view of each matched log.',
    operationId: 'getCallLog',
  })
  @ApiOkResponse({ type: CallLogLookupResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  lookup(@Session() session: CrmSession, @Query() query: CallLogLookupQueryDto): Promise<CallLogLookupResponseDto> {
    return this.callLogs.lookup(session, query);
  }

  @Patch()
  @ApiBody({ type: UpdateCallLogDto, examples: { note: { summary: 'A new note and the recording', value: UPDATE_CALL_LOG_EXAMPLE } } })
  @ApiOperation({
    summary: 'Update a call log',
    description:
      'Finds the log by session and extension, merges only the fields sent into the stored call, re-renders the whole body and updates the CRM activity.',
    operationId: 'patchCallLog',
  })
  @ApiOkResponse({ type: CallLogUpdateResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  update(
    @Session() session: CrmSession,
    @Body() body: UpdateCallLogDto,
    @FromServerSideLogging() isFromSSCL: boolean,
  ): Promise<CallLogUpdateResponseDto> {
    return this.callLogs.update(session, body, isFromSSCL);
  }
}
