/**
 * A metrics-safe name for a CRM request: `GET /v1/persons/:id`. Path segments that look
 * like ids or values (digits, long tokens, e-mail addresses, encoded text) become `:id`,
 * so the name is the API route, never a record id, a phone number or a person's name.
 */
export function operationName(method: string, url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return `${method} (invalid url)`;
  }
  const segments = path
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => (isRouteWord(segment) ? segment : ':id'));
  return `${method} /${segments.join('/')}`;
}

/** `persons`, `v1`, `activities.json`, `oauth2`: a word of the API, not a value. */
function isRouteWord(segment: string): boolean {
  const digits = segment.replace(/\D/g, '').length;
  return /^[A-Za-z_][A-Za-z0-9_.-]{0,39}$/.test(segment) && digits <= 2 && !/\.(?:com|net|org|io)$/i.test(segment);
}
