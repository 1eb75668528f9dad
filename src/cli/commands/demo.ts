import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import { type DemoResult, generateDemoShop } from "../../demo/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";
import { createProgress } from "../progress.js";

export function printDemoShop(demo: DemoResult): void {
  console.log(`demo shop ${demo.shop.id} "${demo.shop.name}"`);
  console.log(`  secret key: ${demo.secretKey}`);
  console.log(`  public key: ${demo.publicKey}`);
}

/** A whole number from an option, or a validation error naming the option. */
function wholeNumber(field: string, text: string, options: { positive: boolean }): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || (options.positive && value <= 0)) {
    throw ValidationError.field(
      field,
      `must be a ${options.positive ? "positive " : ""}whole number, not "${text}"`,
    );
  }
  return value;
}

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("create a demo shop with two years of customers, orders, events, points and coupons")
    .option("--customers <n>", "number of customers", "10000")
    .option("--seed <n>", "random seed: the same seed gives the same shop", "1")
    .option("--name <name>", "the demo shop's name")
    .option("--json", "print {id, secretKey, publicKey, counts} as JSON")
    .action(async (opts: { customers: string; seed: string; name?: string; json?: boolean }) => {
      const customers = wholeNumber("customers", opts.customers, { positive: true });
      const seed = wholeNumber("seed", opts.seed, { positive: false });
      await withInstance(async ({ db }) => {
        const progress = createProgress("generating demo shop");
        let demo: DemoResult;
        try {
          demo = await generateDemoShop(db, systemClock, {
            customers,
            seed,
            shopName: opts.name,
            onProgress: (done, total, phase) => progress.update(done, total, phase),
          });
        } finally {
          progress.stop();
        }
        if (opts.json) {
          printJson({
            id: demo.shop.id,
            secretKey: demo.secretKey,
            publicKey: demo.publicKey,
            counts: demo.counts,
          });
          return;
        }
        printDemoShop(demo);
        console.log("");
        console.log(formatTable(Object.entries(demo.counts).map(([table, rows]) => ({ table, rows }))));
      });
    });
}
