/**
 * App Connect proxy templates: `{{path.to.value}}` placeholders in strings, objects and
 * arrays. A string that is exactly one placeholder takes the raw value (a number stays a
 * number, an object an object); otherwise each placeholder is replaced by its text, and a
 * missing value by nothing. Our one addition: `{{path | number}}` turns a numeric text
 * into a number, for APIs that want integer ids where the core holds ids as strings.
 */

const PLACEHOLDER = /\{\{\s*([\w$.[\]-]+)\s*(?:\|\s*(number)\s*)?\}\}/g;
const WHOLE = /^\{\{\s*([\w$.[\]-]+)\s*(?:\|\s*(number)\s*)?\}\}$/;

const applyFilter = (value: unknown, filter: string | undefined): unknown => {
  if (filter !== 'number' || value === undefined || value === null || value === '') return value;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
};

/** The value at a dot path (`a.b.0.c`; `a[0]` also reads index 0), or undefined. */
export function valueAt(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const segment of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    // Own properties only: a template must not reach the prototype chain.
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

const asText = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

export function renderTemplate(template: unknown, variables: Record<string, unknown>): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return applyFilter(valueAt(variables, whole[1]), whole[2]);
    return template.replace(PLACEHOLDER, (_match, path: string, filter?: string) =>
      asText(applyFilter(valueAt(variables, path), filter)),
    );
  }
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, variables));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderTemplate(value, variables)]));
  }
  return template;
}

/** The template's problems: braces that open a placeholder without closing it, or an empty one. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  const withoutValid = template.replace(PLACEHOLDER, '');
  if (withoutValid.includes('{{') || withoutValid.includes('}}')) problems.push(`malformed placeholder in "${template}"`);
  return problems;
}
