import type { CrmConnector } from '../connectors/crm-connector.interface.js';

/**
 * App Connect's connector interfaces that our CrmConnector method of the same name
 * stands for; each is reported as implemented when the connector instance has that
 * method. Names come from the contract's ImplementedInterfacesResponse.
 */
const SAME_NAME = [
  'getUserInfo',
  'createCallLog',
  'updateCallLog',
  'getCallLog',
  'createMessageLog',
  'updateMessageLog',
  'createContact',
  'findContact',
  'listAppointments',
  'createAppointment',
  'updateAppointment',
  'refreshAppointment',
  'confirmAppointment',
  'cancelAppointment',
  'unAuthorize',
  'upsertCallDisposition',
  'findContactWithName',
  'getUserList',
  'getManagedAuthOptions',
  'getLicenseStatus',
  'refreshUserInfo',
  'authValidation',
] as const;

export type ImplementedInterfaces = Record<string, boolean>;

/**
 * Which App Connect interfaces a connector implements, read from the instance. Where
 * our interface differs from App Connect's, the equivalent is checked: getAuthType and
 * getLogFormatType are manifest values here, getOauthInfo is the code exchange, and
 * getBasicAuth is getAuthHeader for connectors that accept API keys.
 */
export function implementedInterfaces(
  connector: CrmConnector,
  deployment: { cacheCallNote: boolean },
): ImplementedInterfaces {
  const has = (name: string) => typeof (connector as unknown as Record<string, unknown>)[name] === 'function';
  const { manifest } = connector;
  const authTypes = new Set([manifest.authType, ...(manifest.additionalAuthTypes ?? [])]);
  return {
    getAuthType: typeof manifest.authType === 'string',
    ...(authTypes.has('oauth') ? { getOauthInfo: has('exchangeAuthorizationCode') } : {}),
    ...(authTypes.has('apiKey') ? { getBasicAuth: has('getAuthHeader') } : {}),
    ...Object.fromEntries(SAME_NAME.map((name) => [name, has(name)])),
    getLogFormatType: typeof manifest.logFormat === 'string',
    cacheCallNote: deployment.cacheCallNote,
  };
}
