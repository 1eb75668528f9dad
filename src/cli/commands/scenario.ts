// `kizuna scenario`: the library and the shop's scenarios from the command line.
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { enableLibraryScenario, LIBRARY, listScenarios, setScenarioStatus } from "../../scenarios/index.js";
import { resolveShop } from "../../shops/index.js";
import { withInstance } from "../instance.js";
import { formatTable, printJson } from "../output.js";

interface ShopOption {
  shop?: string;
  json?: boolean;
}

export function registerScenarioCommand(program: Command): void {
  const scenario = program
    .command("scenario")
    .description("switch ready-made scenarios on and manage the shop's scenarios");

  scenario
    .command("library")
    .description("list the ready-made scenarios")
    .option("--json", "print as JSON")
    .action((opts: { json?: boolean }) => {
      if (opts.json) return printJson({ scenarios: LIBRARY.map(({ definition: _d, ...card }) => card) });
      console.log(
        formatTable(LIBRARY.map((s) => ({ key: s.key, name: s.name.ja, channels: s.channels.join(", ") }))),
      );
    });

  scenario
    .command("enable")
    .argument("<key>", "library key, e.g. cart-abandonment")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print the scenario as JSON")
    .description("switch a library scenario on (with its default templates)")
    .action(async (key: string, opts: ShopOption) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const enabled = await enableLibraryScenario(db, systemClock, shop.id, key);
        if (opts.json) return printJson(enabled);
        console.log(
          `scenario "${enabled.key}" is ${enabled.status} (version ${enabled.version}) in shop ${shop.id}`,
        );
      });
    });

  for (const [command, status, what] of [
    ["pause", "paused", "pause a scenario: no one enters, runs hold where they are"],
    ["resume", "active", "resume a paused scenario"],
    ["archive", "archived", "archive a scenario: runs under way end"],
  ] as const) {
    scenario
      .command(command)
      .argument("<key>", "scenario key")
      .option("--shop <id>", "shop id (default: the only shop)")
      .description(what)
      .action(async (key: string, opts: ShopOption) => {
        await withInstance(async ({ db }) => {
          const shop = await resolveShop(db, opts.shop);
          const s = await setScenarioStatus(db, systemClock, shop.id, key, status);
          console.log(`scenario "${s.key}" is ${s.status}`);
        });
      });
  }

  scenario
    .command("list")
    .option("--shop <id>", "shop id (default: the only shop)")
    .option("--json", "print as JSON")
    .description("list the shop's scenarios")
    .action(async (opts: ShopOption) => {
      await withInstance(async ({ db }) => {
        const shop = await resolveShop(db, opts.shop);
        const scenarios = await listScenarios(db, shop.id);
        if (opts.json) return printJson({ scenarios });
        console.log(
          formatTable(
            scenarios.map((s) => ({ key: s.key, name: s.name, status: s.status, version: s.version })),
          ),
        );
      });
    });
}
