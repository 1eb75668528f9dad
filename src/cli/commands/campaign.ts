// `kizuna campaign`: one-off sends from the command line; the campaign itself is a JSON file.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import {
  campaignReport,
  cancelCampaign,
  createCampaign,
  listCampaigns,
  previewAudience,
  scheduleCampaign,
} from "../../campaigns/index.js";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

interface Options {
  shop?: string;
  json?: boolean;
  at?: string;
}

function readCampaignFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw ValidationError.field("file", `cannot read ${file} as JSON: ${(err as Error).message}`);
  }
}

function campaignId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw ValidationError.field("id", `not a campaign id: "${text}"`);
  return id;
}

export function registerCampaignCommand(program: Command): void {
  const campaign = program
    .command("campaign")
    .description("one-off sends to an audience, with A/B tests and holdouts");
  const withShop = (c: Command) => c.option("--shop <id>", "shop id (default: the only shop)");

  withShop(campaign.command("preview").argument("<file>", "campaign JSON"))
    .option("--json", "print as JSON")
    .description("how many the campaign would reach now, after consent, suppression and frequency caps")
    .action(async (file: string, opts: Options) => {
      const input = readCampaignFile(file);
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const preview = await previewAudience(db, systemClock, shop.id, input);
        if (opts.json) return printJson(preview);
        console.log(formatTable([{ ...preview }]));
      });
    });

  withShop(campaign.command("create").argument("<file>", "campaign JSON"))
    .option("--json", "print the campaign as JSON")
    .description("create a campaign draft from a JSON file")
    .action(async (file: string, opts: Options) => {
      const input = readCampaignFile(file);
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const created = await createCampaign(db, systemClock, shop.id, input);
        if (opts.json) return printJson(created);
        console.log(`campaign ${created.id} "${created.name}" created as a draft`);
      });
    });

  withShop(campaign.command("schedule").argument("<id>", "campaign id"))
    .option("--at <time>", "ISO 8601 time with offset (default: now)")
    .description("schedule a draft campaign; the worker sends it when the time comes")
    .action(async (id: string, opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const at = opts.at;
        if (at !== undefined && Number.isNaN(Date.parse(at)))
          throw ValidationError.field("at", `not a time: "${at}"`);
        const scheduled = await scheduleCampaign(db, systemClock, shop.id, campaignId(id), at);
        console.log(`campaign ${scheduled.id} scheduled for ${scheduled.scheduledAt}`);
      });
    });

  withShop(campaign.command("cancel").argument("<id>", "campaign id"))
    .description("cancel a campaign: unsent messages are withdrawn")
    .action(async (id: string, opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const cancelled = await cancelCampaign(db, systemClock, shop.id, campaignId(id));
        console.log(`campaign ${cancelled.id} is ${cancelled.status}`);
      });
    });

  withShop(campaign.command("list"))
    .option("--json", "print as JSON")
    .description("list the shop's campaigns")
    .action(async (opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const campaigns = await listCampaigns(db, shop.id);
        if (opts.json) return printJson({ campaigns });
        console.log(
          formatTable(
            campaigns.map((c) => ({
              id: c.id,
              name: c.name,
              status: c.status,
              scheduled: c.scheduledAt ?? "",
            })),
          ),
        );
      });
    });

  withShop(campaign.command("show").argument("<id>", "campaign id"))
    .option("--json", "print as JSON")
    .description("a campaign's results per arm, winner and lift")
    .action(async (id: string, opts: Options) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const report = await campaignReport(db, shop.id, campaignId(id));
        if (opts.json) return printJson(report);
        console.log(
          `campaign ${report.id}: ${report.status}, ${report.entered} entered, winner ${report.winner ?? "-"}`,
        );
        console.log(
          formatTable(report.arms.map((a) => ({ ...a, conversionRate: a.conversionRate.toFixed(3) }))),
        );
        if (report.lift) {
          console.log(
            `lift over holdout: ${(report.lift.conversionRate * 100).toFixed(2)} points, incremental revenue ${report.lift.incrementalRevenue}`,
          );
        }
      });
    });
}
