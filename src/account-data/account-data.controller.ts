import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CrmSession } from '../auth/crm-session.js';
import { RequiresSession, Session } from '../auth/session.decorator.js';
import { ErrorResponseDto } from '../common/dto/error-response.dto.js';
import { AccountDataService } from './account-data.service.js';
import { AccountDataQueryDto, AccountDataResponseDto } from './dto/account-data.dto.js';

@ApiTags('Account data')
@Controller('accountData')
export class AccountDataController {
  constructor(private readonly accountData: AccountDataService) {}

  @Get()
  @RequiresSession()
  @ApiOperation({
    summary: 'Account-level CRM data by key',
    description:
      "Data the connector offers per CRM account (Pipedrive: activityTypes), cached for each key's TTL and shared by the account's users. forceRefresh loads it again; a failed refresh serves the last value with a warning.",
    operationId: 'getAccountData',
  })
  @ApiOkResponse({ type: AccountDataResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A key the connector does not offer, named in `fields` as keys.' })
  read(@Session() session: CrmSession, @Query() query: AccountDataQueryDto): Promise<AccountDataResponseDto> {
    return this.accountData.read(session, query.keys, query.forceRefresh);
  }
}
