import { Body, Controller, HttpCode, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CrmSession } from '../../auth/crm-session.js';
import { RequiresSession, Session } from '../../auth/session.decorator.js';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { CallLogService } from './call-log.service.js';
import { CallDispositionDto } from './dto/call-disposition.dto.js';
import { CallLogMutationResponseDto } from './dto/call-log-response.dto.js';

@ApiTags('Call Logs')
@Controller('callDisposition')
@RequiresSession()
export class CallDispositionController {
  constructor(private readonly callLogs: CallLogService) {}

  @Put()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set the disposition of a logged call',
    description:
      "Applies the disposition fields (keyed by the manifest's field consts) to the call's CRM activity through the connector's upsertCallDisposition: local keeps them on the activity, Pipedrive links the activity with the chosen deal or lead.",
    operationId: 'putCallDisposition',
  })
  @ApiOkResponse({ type: CallLogMutationResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Missing sessionId or dispositions.' })
  setDisposition(@Session() session: CrmSession, @Body() body: CallDispositionDto): Promise<CallLogMutationResponseDto> {
    return this.callLogs.setDisposition(session, body);
  }
}
