import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CrmSession } from '../auth/crm-session.js';
import { RequiresSession, Session } from '../auth/session.decorator.js';
import { ErrorResponseDto } from '../common/dto/error-response.dto.js';
import { CalldownService } from './calldown.service.js';
import {
  CalldownCreateResponseDto,
  CalldownListQueryDto,
  CalldownListResponseDto,
  CalldownMutationResponseDto,
  CreateCalldownDto,
  UpdateCalldownDto,
} from './dto/calldown.dto.js';

const BAD_REQUEST = { type: ErrorResponseDto, description: 'A malformed field, or an entry that is not on your list; `fields` names it.' };

@ApiTags('Call-down list')
@Controller('calldown')
@RequiresSession()
export class CalldownController {
  constructor(private readonly calldown: CalldownService) {}

  @Get()
  @ApiOperation({ summary: "The user's call-back list, soonest first", operationId: 'getCallDown' })
  @ApiOkResponse({ type: CalldownListResponseDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  list(@Session() session: CrmSession, @Query() query: CalldownListQueryDto) {
    return this.calldown.list(session.user.id, query.status);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a contact to the call-back list', operationId: 'postCallDown' })
  @ApiOkResponse({ type: CalldownCreateResponseDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  create(@Session() session: CrmSession, @Body() body: CreateCalldownDto) {
    return this.calldown.create(session.user.id, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an entry (status, time, contact, note)', operationId: 'patchCallDown' })
  @ApiOkResponse({ type: CalldownMutationResponseDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  update(@Session() session: CrmSession, @Param('id') id: string, @Body() body: UpdateCalldownDto) {
    return this.calldown.update(session.user.id, id, body);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove an entry', operationId: 'deleteCallDown' })
  @ApiOkResponse({ type: CalldownMutationResponseDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  remove(@Session() session: CrmSession, @Param('id') id: string) {
    return this.calldown.remove(session.user.id, id);
  }
}
