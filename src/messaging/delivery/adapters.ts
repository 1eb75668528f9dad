// The adapters a worker sends through, one per shop and channel, made from the shop's settings and kept
// (with their connection pools and rate buckets) until the settings change.
import type { Channel, Db } from "../../db/index.js";
import { providerFor } from "../channels/registry.js";
import { openChannelSettings } from "../channels/settings.js";
import type { ChannelAdapter } from "../channels/types.js";
import { TokenBucket } from "./rate.js";

export interface LiveAdapter {
  adapter: ChannelAdapter;
  bucket: TokenBucket;
  settings: Record<string, unknown>;
  paused: boolean;
}

export type AdapterLookup = { ok: true; live: LiveAdapter } | { ok: false; reason: string; retryMs: number };

/** Settings are re-read at most this often, so a change or a pause reaches running workers. */
const REFRESH_MS = 5_000;

export class AdapterPool {
  private readonly live = new Map<string, { version: string; checkedAt: number; entry: AdapterLookup }>();

  constructor(
    private readonly db: Db,
    private readonly instanceSecret: string,
  ) {}

  async get(shopId: number, channel: Channel): Promise<AdapterLookup> {
    const key = `${shopId}:${channel}`;
    const cached = this.live.get(key);
    const now = Date.now();
    if (cached && now - cached.checkedAt < REFRESH_MS) return cached.entry;
    const stored = await openChannelSettings(this.db, shopId, channel, this.instanceSecret);
    const version = stored ? `${stored.provider}@${stored.updatedAt}` : "none";
    if (cached && cached.version === version) {
      if (cached.entry.ok && stored) cached.entry.live.paused = stored.paused;
      cached.checkedAt = now;
      return cached.entry;
    }
    if (cached?.entry.ok) await cached.entry.live.adapter.close();
    let entry: AdapterLookup;
    if (!stored) {
      entry = { ok: false, reason: `${channel} is not set up for this shop`, retryMs: 15 * 60_000 };
    } else {
      const provider = providerFor(channel, stored.provider);
      if (!provider) {
        entry = {
          ok: false,
          reason: `unknown ${channel} provider "${stored.provider}"`,
          retryMs: 15 * 60_000,
        };
      } else {
        try {
          const settings = provider.settingsSchema.parse(stored.settings);
          const secrets = provider.secretsSchema.parse(stored.secrets);
          const adapter = provider.create(settings, secrets);
          entry = {
            ok: true,
            live: {
              adapter,
              bucket: new TokenBucket(adapter.ratePerSecond),
              settings: settings as Record<string, unknown>,
              paused: stored.paused,
            },
          };
        } catch (err) {
          entry = {
            ok: false,
            reason: `${channel} settings: ${(err as Error).message}`,
            retryMs: 15 * 60_000,
          };
        }
      }
    }
    this.live.set(key, { version, checkedAt: now, entry });
    return entry;
  }

  async close(): Promise<void> {
    for (const { entry } of this.live.values()) if (entry.ok) await entry.live.adapter.close();
    this.live.clear();
  }
}
