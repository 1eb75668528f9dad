import type { Command } from "commander";
import { migrateToLatest } from "../../db/index.js";
import { openInstance } from "../instance.js";

export function registerMigrateCommand(program: Command): void {
  program
    .command("migrate")
    .description("apply database migrations (also done on every start)")
    .action(async () => {
      const instance = await openInstance({ migrate: false });
      try {
        const result = await migrateToLatest(instance.db);
        const applied =
          result.results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
        console.log(
          applied.length > 0
            ? `applied ${applied.length} migration(s) on ${instance.engine}: ${applied.join(", ")}`
            : `database on ${instance.engine} is up to date`,
        );
      } finally {
        await instance.close();
      }
    });
}
