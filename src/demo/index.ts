// Placeholder until the demo generator lands.
import type { Clock } from "../core/clock.js";
import type { Db } from "../db/index.js";
import type { CreatedShop } from "../shops/index.js";

export interface DemoOptions {
  customers: number;
  seed: number;
  shopName?: string;
  onProgress?: (done: number, total: number, phase: string) => void;
}

export interface DemoResult extends CreatedShop {
  counts: Record<string, number>;
}

export async function generateDemoShop(_db: Db, _clock: Clock, _options: DemoOptions): Promise<DemoResult> {
  throw new Error("demo generator not built yet");
}
