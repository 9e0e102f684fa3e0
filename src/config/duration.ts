const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** P[nW][nD][T[nH][nM][nS]], whole or decimal numbers; years and months have no fixed length, so they are refused. */
const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const SHORT_DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i;

/**
 * A duration setting in milliseconds: plain milliseconds (`86400000`), a number with a
 * unit (`24h`, `90m`, `30s`, `1d`) or an ISO-8601 duration (`PT24H`, `P1D`). Undefined
 * when the text is none of these, so the caller can name the setting in its error.
 */
export function parseDurationMs(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const short = SHORT_DURATION.exec(value);
  if (short) return Math.round(Number(short[1]) * UNIT_MS[short[2]!.toLowerCase()]!);
  const iso = ISO_DURATION.exec(value);
  if (!iso || value.length <= 1 || /T$/i.test(value)) return undefined;
  const [, weeks, days, hours, minutes, seconds] = iso.map((part) => (part === undefined ? 0 : Number(part)));
  return Math.round(
    weeks! * UNIT_MS.w! + days! * UNIT_MS.d! + hours! * UNIT_MS.h! + minutes! * UNIT_MS.m! + seconds! * UNIT_MS.s!,
  );
}
