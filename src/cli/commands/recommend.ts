// `kizuna recommend evaluate`: offline evaluation of the recommenders on the shop's own history, the
// popularity baseline beside Kizuna's models, as a table or (--json) one JSON line.
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import { evaluateRecommenders, rebuildRecommendations } from "../../recommend/index.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";
import { createProgress } from "../progress.js";

export function registerRecommendCommand(program: Command): void {
  const recommend = program.command("recommend").description("product recommendations per customer");
  recommend
    .command("rebuild")
    .option("--shop <id>", "shop id (default: the only shop)")
    .description(
      "train the model the shop's history picks and recompute every customer's list (the worker also does this daily)",
    )
    .action(async (opts: { shop?: string }) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const progress = createProgress("rebuilding");
        const report = await rebuildRecommendations(db, shop.id, {
          now: systemClock.now(),
          onProgress: (done, total, label) => progress.update(done, total, label),
        });
        progress.stop();
        console.log(
          `${report.customers} customers, ${report.products} products, model ${report.selected}, ${report.seconds.toFixed(1)} s`,
        );
      });
    });
  recommend
    .command("evaluate")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option(
      "--cutoff <date>",
      "hold out purchases from this moment on (default: the last 20% of the history)",
    )
    .option("--json", "print one JSON object instead of a table")
    .description(
      "score the recommenders against what customers bought after a time cut: HR@10, Recall@20, NDCG@10, coverage",
    )
    .action(async (opts: { shop?: string; cutoff?: string; json?: boolean }) => {
      let cutoff: Date | undefined;
      if (opts.cutoff !== undefined) {
        cutoff = new Date(opts.cutoff);
        if (Number.isNaN(cutoff.getTime()))
          throw ValidationError.field("cutoff", `not a date: "${opts.cutoff}"`);
      }
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const progress = createProgress("evaluating");
        const evaluation = await evaluateRecommenders(db, shop.id, {
          cutoff,
          onProgress: (done, total) => progress.update(done, total),
        });
        progress.stop();
        if (opts.json) return printJson(evaluation);
        console.log(
          `cut at ${evaluation.cutoff}: ${evaluation.customers} customers bought after it and had a history before; ${evaluation.products} products`,
        );
        console.log(
          `they bought again what they had bought before ${evaluation.repeat_lift.toFixed(2)}× as often as best sellers alone would predict (repeat lift; about 1: their history says little beyond what sells)`,
        );
        console.log(
          formatTable(
            evaluation.results.map((r) => ({
              model: r.name,
              "HR@10": r.hr_at_10.toFixed(4),
              "Recall@20": r.recall_at_20.toFixed(4),
              "NDCG@10": r.ndcg_at_10.toFixed(4),
              coverage: r.coverage.toFixed(4),
            })),
          ),
        );
      });
    });
}
