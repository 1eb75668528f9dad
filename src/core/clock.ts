// Time comes from a Clock passed down, never from Date.now() inside features, so tests can move it.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests set and advance by hand. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** The one textual form timestamps take in storage on both engines: UTC ISO-8601 with milliseconds. */
export function toIso(value: Date | string | number): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new RangeError(`invalid date: ${String(value)}`);
  return d.toISOString();
}

/** The earliest of some ISO timestamps (they sort as text); `fallback` when there are none. */
export function earliestIso(values: Iterable<string>, fallback: string): string {
  let earliest: string | undefined;
  for (const v of values) if (earliest === undefined || v < earliest) earliest = v;
  return earliest ?? fallback;
}
