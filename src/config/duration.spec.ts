import { parseDurationMs } from './duration.js';

describe('parseDurationMs', () => {
  it('reads plain milliseconds, a number with a unit, and ISO-8601 durations', () => {
    expect(parseDurationMs('86400000')).toBe(86_400_000);
    expect(parseDurationMs('24h')).toBe(86_400_000);
    expect(parseDurationMs('90m')).toBe(5_400_000);
    expect(parseDurationMs('1.5s')).toBe(1_500);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('2d')).toBe(172_800_000);
    expect(parseDurationMs('PT24H')).toBe(86_400_000);
    expect(parseDurationMs('P1D')).toBe(86_400_000);
    expect(parseDurationMs('P1DT12H30M')).toBe(131_400_000);
    expect(parseDurationMs('PT0.5S')).toBe(500);
    expect(parseDurationMs('P1W')).toBe(604_800_000);
  });

  it('refuses what it cannot read as a fixed length', () => {
    for (const text of ['', 'P', 'PT', 'P1M', 'P1Y', '24 hours', '-5', '1h30', 'abc', 'P1DT']) {
      expect(parseDurationMs(text)).toBeUndefined();
    }
  });
});
