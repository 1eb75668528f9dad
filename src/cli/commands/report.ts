// `kizuna report <name>`: the analytics reports as tables, CSV or JSON; `kizuna adcost`: what the shop
// spent on advertising per channel and month, for the economics report.
import type { Command } from "commander";
import {
  isReportName,
  listAdCosts,
  REPORT_NAMES,
  renderReport,
  reportTableCsv,
  runReport,
  setAdCost,
} from "../../analytics/index.js";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

interface ReportCliOptions {
  shop?: string;
  format: string;
  table?: string;
  asOf?: string;
  from?: string;
  to?: string;
  months?: string;
  scenario?: string;
  campaign?: string;
}

const FORMATS = ["table", "csv", "json"];

function positiveInt(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw ValidationError.field(field, `not a positive whole number: "${text}"`);
  return n;
}

function date(field: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (Number.isNaN(Date.parse(text))) throw ValidationError.field(field, `not a date: "${text}"`);
  return text;
}

export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .argument("<name>", REPORT_NAMES.join(" | "))
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--format <format>", "table | csv | json", "table")
    .option("--table <name>", "only this table of the report (csv: which table; default the first)")
    .option("--as-of <date>", "the report's moment (default: now), e.g. 1998-06-30")
    .option("--from <date>", "performance, economics: from this date or month")
    .option("--to <date>", "performance, economics: up to this date or month")
    .option("--months <n>", "cohorts, products: how many months")
    .option("--scenario <id>", "performance: one scenario")
    .option("--campaign <id>", "performance: one campaign")
    .description("analytics reports: rfm, f2, cohorts, ltv, products, performance, economics, predictions")
    .action(async (name: string, opts: ReportCliOptions) => {
      if (!isReportName(name)) {
        throw ValidationError.field("name", `unknown report "${name}"; one of ${REPORT_NAMES.join(", ")}`);
      }
      if (!FORMATS.includes(opts.format)) {
        throw ValidationError.field("format", `one of ${FORMATS.join(", ")}`);
      }
      const asOf = date("as-of", opts.asOf);
      const options = {
        now: systemClock.now(),
        asOf: asOf === undefined ? undefined : new Date(asOf),
        // runReport checks from and to, for the API and the CLI alike.
        from: opts.from,
        to: opts.to,
        months: positiveInt("months", opts.months),
        scenarioId: positiveInt("scenario", opts.scenario),
        campaignId: positiveInt("campaign", opts.campaign),
      };
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const report = await runReport(db, shop.id, name, options);
        if (opts.table && !(opts.table in report.tables)) {
          throw ValidationError.field(
            "table",
            `report ${name} has no table "${opts.table}"; it has ${Object.keys(report.tables).join(", ")}`,
          );
        }
        if (opts.format === "json") return printJson(report);
        if (opts.format === "table") return console.log(renderReport(report, opts.table));
        const tableName = opts.table ?? Object.keys(report.tables)[0];
        process.stdout.write(reportTableCsv(report.tables[tableName]));
      });
    });

  const adcost = program.command("adcost").description("advertising costs per channel and month (economics)");
  adcost
    .command("set")
    .requiredOption("--channel <name>", "acquisition channel, as customers' acquisition_channel names it")
    .requiredOption("--month <YYYY-MM>", "the month, in the shop's time zone")
    .requiredOption("--amount <minor units>", "what was spent, in minor units (yen)")
    .option("--currency <code>", "ISO 4217 (default: the shop's)")
    .option("--shop <id>", "shop id (default: the only shop)")
    .description("record (or correct) one month's spend on a channel")
    .action(
      async (opts: { channel: string; month: string; amount: string; currency?: string; shop?: string }) => {
        await withInstance(async ({ db }) => {
          const shop = await resolveShop(db, opts.shop);
          const saved = await setAdCost(
            db,
            shop.id,
            {
              channel: opts.channel,
              month: opts.month,
              amount: Number(opts.amount),
              currency: opts.currency ?? shop.currency,
            },
            systemClock.now(),
          );
          console.log(`${saved.channel} ${saved.month}: ${saved.amount} ${saved.currency}`);
        });
      },
    );
  adcost
    .command("list")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print as JSON")
    .description("the recorded spend per channel and month")
    .action(async (opts: { shop?: string; json?: boolean }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const costs = await listAdCosts(db, shop.id);
        if (opts.json) return printJson({ costs });
        console.log(formatTable(costs.map((c) => ({ ...c }))));
      });
    });
}
