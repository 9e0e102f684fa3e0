/**
 * The checks App Connect's documentation lists for a manifest (app-connect-docs/manifest.md,
 * "Validation", plus the legacy /crmManifest route's author.name), and the URL-template
 * tokens it defines. Returns every problem found, so a test can show them all.
 */
const BUILT_IN_TOKENS = new Set(['hostname', 'contactId', 'contactType', 'logId', 'thirdPartyAppointmentId']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function manifestProblems(manifest: unknown, platformName?: string): string[] {
  const problems: string[] = [];
  if (!isObject(manifest)) return ['manifest is not an object'];
  const author = manifest.author;
  if (!isObject(author) || typeof author.name !== 'string' || author.name === '') problems.push('author.name is required');
  if (typeof manifest.version !== 'string' || manifest.version === '') problems.push('version is required');
  if (typeof manifest.serverUrl !== 'string' || !/^https?:\/\/[^/]/.test(manifest.serverUrl)) {
    problems.push('serverUrl must be an http(s) URL');
  } else if (manifest.serverUrl.endsWith('/')) {
    problems.push('serverUrl must omit the trailing slash');
  }
  const platforms = manifest.platforms;
  if (!isObject(platforms)) return [...problems, 'platforms is required'];
  if (platformName !== undefined && !(platformName in platforms)) problems.push(`platforms has no ${platformName}`);
  for (const [key, platform] of Object.entries(platforms)) {
    problems.push(...platformProblems(key, platform).map((problem) => `platforms.${key}: ${problem}`));
  }
  return problems;
}

function platformProblems(key: string, platform: unknown): string[] {
  if (!isObject(platform)) return ['is not an object'];
  const problems: string[] = [];
  if (typeof platform.name !== 'string' || platform.name === '') problems.push('name is required');
  else if (platform.name !== key) problems.push(`name ${platform.name} does not match its key`);
  const auth = platform.auth;
  if (!isObject(auth) || typeof auth.type !== 'string') {
    problems.push('auth.type is required');
  } else if (auth.type === 'oauth') {
    const oauth = auth.oauth;
    if (!isObject(oauth) || typeof oauth.authUrl !== 'string' || typeof oauth.clientId !== 'string') {
      problems.push('OAuth needs auth.oauth.authUrl and auth.oauth.clientId');
    }
  } else if (auth.type === 'apiKey') {
    if (!isObject(auth.apiKey)) problems.push('API-key sign-in needs auth.apiKey');
    else problems.push(...fieldProblems('auth.apiKey.page.content', (auth.apiKey.page as Json | undefined)?.content));
  } else {
    problems.push(`auth.type ${String(auth.type)} is neither oauth nor apiKey`);
  }
  const environment = platform.environment;
  if (environment !== undefined) {
    const type = isObject(environment) ? environment.type : undefined;
    if (type !== 'fixed' && type !== 'dynamic' && type !== 'selectable') problems.push('environment.type is not valid');
    if (type === 'selectable' && !Array.isArray((environment as Json).selections)) {
      problems.push('a selectable environment needs selections[]');
    }
  }
  for (const list of ['settings', 'contactTypes', 'override']) {
    if (platform[list] !== undefined && !Array.isArray(platform[list])) problems.push(`${list} must be an array`);
  }
  const page = platform.page;
  if (isObject(page)) {
    for (const form of ['callLog', 'messageLog', 'newContact']) {
      if (page[form] !== undefined) {
        problems.push(...fieldProblems(`page.${form}.additionalFields`, (page[form] as Json).additionalFields));
      }
    }
  }
  const settingIds = settingItemIds(platform.settings);
  for (const template of ['contactPageUrl', 'logPageUrl', 'fallbackContactPageUrl']) {
    const value = platform[template];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      problems.push(`${template} must be a string`);
      continue;
    }
    for (const [, token] of value.matchAll(/\{([^}]*)\}/g)) {
      if (!BUILT_IN_TOKENS.has(token) && !settingIds.has(token)) problems.push(`${template} uses unknown token {${token}}`);
    }
  }
  return problems;
}

function fieldProblems(path: string, fields: unknown): string[] {
  if (!Array.isArray(fields)) return [`${path} must be an array`];
  return fields.flatMap((field, i) =>
    ['const', 'title', 'type']
      .filter((property) => !isObject(field) || typeof field[property] !== 'string')
      .map((property) => `${path}[${i}].${property} is required`),
  );
}

function settingItemIds(settings: unknown): Set<string> {
  const ids = new Set<string>();
  if (!Array.isArray(settings)) return ids;
  for (const section of settings) {
    if (isObject(section) && Array.isArray(section.items)) {
      for (const item of section.items) if (isObject(item) && typeof item.id === 'string') ids.add(item.id);
    }
  }
  return ids;
}
