import { loadAppConfig } from './app-config.js';

describe('PUBLIC_BASE_URL', () => {
  it('defaults to localhost on the configured port', () => {
    expect(loadAppConfig({ NODE_ENV: 'test' }).publicBaseUrl).toBe('http://localhost:6066');
    expect(loadAppConfig({ NODE_ENV: 'test', PORT: '7070' }).publicBaseUrl).toBe('http://localhost:7070');
  });

  it('drops trailing slashes and keeps a path prefix', () => {
    expect(loadAppConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: 'https://connector.example.com/' }).publicBaseUrl).toBe(
      'https://connector.example.com',
    );
    expect(loadAppConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: 'https://proxy.example.com/app-connect//' }).publicBaseUrl).toBe(
      'https://proxy.example.com/app-connect',
    );
    expect(loadAppConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: 'http://10.0.0.5:6066' }).publicBaseUrl).toBe('http://10.0.0.5:6066');
  });

  it.each([
    ['no scheme', 'connector.example.com'],
    ['another scheme', 'ftp://connector.example.com'],
    ['a query', 'https://connector.example.com/?x=1'],
    ['a fragment', 'https://connector.example.com/#top'],
    ['not a URL', 'not a url'],
  ])('refuses %s, naming the variable', (_case, value) => {
    expect(() => loadAppConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: value })).toThrow(/PUBLIC_BASE_URL must be an http\(s\) URL/);
  });
});
