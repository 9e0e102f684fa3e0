import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CrmSession } from '../auth/crm-session.js';
import { RequiresSession, Session } from '../auth/session.decorator.js';
import { ErrorResponseDto } from '../common/dto/error-response.dto.js';
import { MutationResponseDto } from '../common/dto/mutation-response.dto.js';
import { AcceptsRcAccessToken, RcAccessToken, RcAccountIdHeader } from '../ringcentral/rc-access-token.decorator.js';
import { UserInfoHashQueryDto, UserInfoHashResponseDto } from './dto/user-info-hash.dto.js';
import { UpdateUserSettingsDto, UserSettingsEnvelopeDto, UserSettingsQueryDto, SETTINGS_SCHEMA } from './dto/user-settings.dto.js';
import { UserService } from './user.service.js';

@ApiTags('User')
@Controller()
export class UserController {
  constructor(private readonly users: UserService) {}

  @Get('userInfoHash')
  @ApiOperation({
    summary: 'Hash RingCentral account and extension ids',
    description: 'hex sha256 of "<id>:<HASH_KEY>" for each id sent. The extension keeps them and sends them back as rc-account-id / hashedExtensionId. Correlation values, not proofs of identity.',
    operationId: 'getUserInfoHash',
  })
  @ApiOkResponse({ type: UserInfoHashResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Neither id sent, or an id that is not a RingCentral id.' })
  userInfoHash(@Query() query: UserInfoHashQueryDto): UserInfoHashResponseDto {
    return this.users.hashes(query);
  }

  @Get('user/settings')
  @RequiresSession()
  @AcceptsRcAccessToken()
  @ApiOperation({
    summary: 'Read the settings that apply to the user',
    description: "The user's settings with the account admin's merged on top: an admin value wins unless customizable, a removed setting is hidden, a read-only one keeps the admin's value. The account comes from the RingCentral token when sent, else from rcAccountId / the rc-account-id header.",
    operationId: 'getUserSettings',
  })
  @ApiOkResponse({ schema: SETTINGS_SCHEMA as object })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  userSettings(
    @Session() session: CrmSession,
    @Query() query: UserSettingsQueryDto,
    @RcAccessToken() rcAccessToken: string | undefined,
    @RcAccountIdHeader() headerAccountId: string | undefined,
  ) {
    return this.users.settingsFor(session, { rcAccessToken, hashedAccountId: query.rcAccountId ?? headerAccountId });
  }

  @Post('user/settings')
  @HttpCode(200)
  @RequiresSession()
  @ApiOperation({
    summary: 'Save user settings',
    description: 'Creates or replaces the settings sent and removes settingKeysToRemove. Settings the account admin locked keep the admin value. A connector may refuse the change (successful: false with its reason; nothing stored). Answers the settings that now apply.',
    operationId: 'postUserSettings',
  })
  @ApiOkResponse({ type: UserSettingsEnvelopeDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A setting that is not an object, or a bad key list; the field is named.' })
  updateUserSettings(@Session() session: CrmSession, @Body() body: UpdateUserSettingsDto) {
    return this.users.updateSettings(session, body);
  }

  @Post('user/refreshInfo')
  @HttpCode(200)
  @RequiresSession()
  @ApiOperation({
    summary: 'Refresh the CRM user information',
    description: "Runs the connector's refreshUserInfo when it has one (its answer replaces the stored name and timezone); otherwise a no-op success.",
    operationId: 'postUserRefreshInfo',
  })
  @ApiOkResponse({ type: MutationResponseDto })
  refreshInfo(@Session() session: CrmSession): Promise<MutationResponseDto> {
    return this.users.refreshInfo(session);
  }

  @Get('user/preloadSettings')
  @AcceptsRcAccessToken()
  @ApiOperation({
    summary: 'Account settings to preload before a CRM login',
    description: "The account admin's user settings, for a first start before any CRM login. The account comes from the RingCentral token when sent, else from rcAccountId. `{}` when none are configured.",
    operationId: 'getUserPreloadSettings',
  })
  @ApiOkResponse({ type: UserSettingsEnvelopeDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  preloadSettings(
    @Query() query: UserSettingsQueryDto,
    @RcAccessToken() rcAccessToken: string | undefined,
    @RcAccountIdHeader() headerAccountId: string | undefined,
  ) {
    return this.users.preloadSettings({ rcAccessToken, hashedAccountId: query.rcAccountId ?? headerAccountId });
  }
}
