// Seeded randomness for the demo generator: an sfc32 generator plus the draws the simulation needs.
// Every customer, visitor and the catalogue get their own stream derived from (seed, stream, index), so a
// customer's data does not depend on chunk size or on what was generated before it.

/** Mixes 32-bit words into one well-spread 32-bit word (murmur3's finaliser). */
function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
    // The first outputs of sfc32 still show the seed's structure; discard them.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A multiplicative noise factor around 1: exp(N(0, sigma)). */
  lognormal(sigma: number): number {
    return Math.exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Lower-case hexadecimal digits. */
  hex(length: number): string {
    let out = "";
    while (out.length < length) {
      out += Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, "0");
    }
    return out.slice(0, length);
  }

  digits(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += String(Math.floor(this.next() * 10));
    return out;
  }
}

/** Named streams, so two uses of the same index never share random numbers. */
export const STREAM = { catalog: 1, customer: 2, visitor: 3, subscription: 4 } as const;

/** The generator for one stream element, e.g. customer number 42 of seed 1. */
export function streamRandom(seed: number, stream: number, index: number): Random {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const h1 = mix32(lo ^ 0x9e3779b9);
  const h2 = mix32(h1 ^ hi ^ 0x7f4a7c15);
  const h3 = mix32(h2 ^ Math.imul(stream + 1, 0x85ebca6b));
  const h4 = mix32(h3 ^ (index >>> 0));
  return new Random(h1 ^ h4, h2 ^ mix32(h4 + 1), h3 ^ mix32(h4 + 2), mix32(h4 ^ 0x27d4eb2f));
}

/** Draws items with fixed weights in O(log n): built once, used for millions of draws. */
export class WeightedTable<T> {
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length === 0 || items.length !== weights.length) {
      throw new RangeError("WeightedTable needs one weight per item and at least one item");
    }
    let sum = 0;
    this.cumulative = weights.map((w) => {
      sum += Math.max(0, w);
      return sum;
    });
    if (sum <= 0) throw new RangeError("WeightedTable needs a positive total weight");
    this.total = sum;
  }

  static of<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
    return new WeightedTable(
      entries.map((e) => e[0]),
      entries.map((e) => e[1]),
    );
  }

  draw(rng: Random): T {
    const target = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}
