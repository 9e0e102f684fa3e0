import { parseProxyConfig, ProxyConfigError } from './proxy-config.loader.js';

const SAMPLE = {
  meta: { name: 'sampleCrm', displayName: 'Sample CRM', logFormat: 'text/plain' },
  auth: { type: 'apiKey', scheme: 'Bearer', credentialTemplate: '{{apiKey}}', encode: 'none' },
  requestDefaults: { baseUrl: 'https://api.example.com/v1' },
  operations: {
    getUserInfo: { url: '/me', responseMapping: { idPath: 'body.id', namePath: 'body.name' } },
    findContact: {
      url: '/contacts',
      query: { phone: '{{phoneNumber}}' },
      responseMapping: { listPath: 'body.contacts', item: { idPath: 'id', namePath: 'name' } },
    },
    createCallLog: { method: 'POST', url: '/activities', body: { s: '{{subject}}' }, responseMapping: { idPath: 'body.id' } },
  },
};

const parse = (config: unknown) => parseProxyConfig('crm.json', JSON.stringify(config));
const failure = (config: unknown): string => {
  try {
    parse(config);
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('proxy config validation', () => {
  it('accepts a valid config, with the extra keys App Connect configs carry', () => {
    expect(parse(SAMPLE).meta.name).toBe('sampleCrm');
    const withExtras = {
      ...SAMPLE,
      requestDefaults: { ...SAMPLE.requestDefaults, timeoutSeconds: 30, defaultHeaders: { 'X-Secret-Key': '{{secretKey}}' } },
      operations: {
        ...SAMPLE.operations,
        findContact: {
          ...SAMPLE.operations.findContact,
          responseMapping: { type: 'list', listPath: 'body.contacts', item: { idPath: 'id', namePath: 'name', typePath: '' } },
        },
        updateMessageLog: { method: 'PUT', url: '/activities/{{thirdPartyLogId}}', body: { d: 'Subject: {{message.subject}}' } },
      },
    };
    expect(parse(withExtras).operations.updateMessageLog?.method).toBe('PUT');
  });

  it('names the file and the path of an unknown operation', () => {
    const message = failure({ ...SAMPLE, operations: { ...SAMPLE.operations, findContct: { url: '/x' } } });
    expect(message).toContain('crm.json');
    expect(message).toContain('/operations/findContct: not an operation this server knows');
  });

  it('names a missing mapping path and a missing required operation', () => {
    const noId = failure({
      ...SAMPLE,
      operations: { ...SAMPLE.operations, createCallLog: { url: '/activities', responseMapping: {} } },
    });
    expect(noId).toContain('/operations/createCallLog/responseMapping: must have idPath');
    const { findContact: _dropped, ...rest } = SAMPLE.operations;
    expect(failure({ ...SAMPLE, operations: rest })).toContain('/operations: must have findContact');
  });

  it('names a malformed template by its JSON path', () => {
    const message = failure({
      ...SAMPLE,
      operations: { ...SAMPLE.operations, createCallLog: { ...SAMPLE.operations.createCallLog, body: { s: '{{subject' } } },
    });
    expect(message).toContain('/operations/createCallLog/body/s: malformed placeholder');
  });

  it('names a file that is not JSON', () => {
    expect(() => parseProxyConfig('broken.json', '{ nope')).toThrow(/broken\.json: not valid JSON/);
  });
});
