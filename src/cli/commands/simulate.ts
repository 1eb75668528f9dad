// `kizuna simulate`: a backtest of the shop's scenarios over the last N days, on a scratch copy.
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import { parseDatabaseUrl } from "../../db/index.js";
import { withScratchCopy } from "../../scenarios/scratch.js";
import { type ScenarioSimulation, simulate } from "../../scenarios/simulate.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";
import { createProgress } from "../progress.js";

function positive(field: string, text: string, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= max))
    throw ValidationError.field(field, `a whole number from 1 to ${max}, not "${text}"`);
  return n;
}

function printTables(results: ScenarioSimulation[]): void {
  console.log(
    formatTable(
      results.map((r) => ({
        scenario: r.key,
        entered: r.entered,
        email: r.messages.email,
        line: r.messages.line,
        sms: r.messages.sms,
        push: r.messages.push,
        postal: r.messages.postal,
        converted: r.converted,
        revenue: r.revenue,
        suppressed: r.suppressed,
        exits: Object.entries(r.exits)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      })),
    ),
  );
  const steps = results.flatMap((r) =>
    Object.entries(r.steps).map(([step, m]) => ({
      scenario: r.key,
      step,
      email: m.email,
      line: m.line,
      sms: m.sms,
      push: m.push,
      postal: m.postal,
    })),
  );
  if (steps.length > 0) {
    console.log("\nmessages per step");
    console.log(formatTable(steps));
  }
}

export function registerSimulateCommand(program: Command): void {
  program
    .command("simulate")
    .description("replay the last N days with the shop's scenarios on a scratch copy; sends nothing")
    .option("--days <n>", "days to replay", "30")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--enable-all", "switch the whole scenario library on first (in the copy only)")
    .option("--tick-minutes <n>", "simulated minutes between worker passes", "15")
    .option("--json", 'print {"scenarios":[…]} as the last line')
    .action(
      async (opts: {
        days: string;
        shop?: string;
        enableAll?: boolean;
        tickMinutes: string;
        json?: boolean;
      }) => {
        const days = positive("days", opts.days, 365);
        const tickMinutes = positive("tick-minutes", opts.tickMinutes, 24 * 60);
        await withInstance(async ({ db, config }) => {
          const shop = await resolveShop(db, opts.shop);
          const target = parseDatabaseUrl(config.databaseUrl);
          const progress = createProgress("simulating");
          let results: ScenarioSimulation[];
          try {
            results = await withScratchCopy(db, target, (scratch) =>
              simulate(scratch, systemClock, {
                shopId: shop.id,
                days,
                enableAll: opts.enableAll,
                tickMinutes,
                onProgress: (done, total) => progress.update(done, total, "ticks"),
              }),
            );
          } finally {
            progress.stop();
          }
          if (opts.json) {
            printJson({
              scenarios: results.map((r) => ({
                key: r.key,
                entered: r.entered,
                messages: r.messages,
                converted: r.converted,
                suppressed: r.suppressed,
                revenue: r.revenue,
                steps: r.steps,
                exits: r.exits,
              })),
            });
            return;
          }
          console.log(`shop ${shop.id} "${shop.name}": ${days} days replayed, nothing sent\n`);
          printTables(results);
        });
      },
    );
}
