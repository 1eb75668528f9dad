// The `kizuna` command: one subcommand per file under commands/.
import { Command, CommanderError } from "commander";
import { KizunaError } from "../core/errors.js";
import { registerCampaignCommand } from "./commands/campaign.js";
import { registerChannelCommand } from "./commands/channel.js";
import { registerCustomerCommand } from "./commands/customer.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerImportCommand } from "./commands/import.js";
import { registerInboundCommand } from "./commands/inbound.js";
import { registerMessageCommand } from "./commands/message.js";
import { registerMigrateCommand } from "./commands/migrate.js";
import { registerPolicyCommand } from "./commands/policy.js";
import { registerPostalCommand } from "./commands/postal.js";
import { registerProfileCommand } from "./commands/profile.js";
import { registerRecommendCommand } from "./commands/recommend.js";
import { registerReportCommand } from "./commands/report.js";
import { registerScenarioCommand } from "./commands/scenario.js";
import { registerSegmentCommand } from "./commands/segment.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerShopCommand } from "./commands/shop.js";
import { registerShopifyCommand } from "./commands/shopify.js";
import { registerSimulateCommand } from "./commands/simulate.js";
import { registerTemplateCommand } from "./commands/template.js";
import { registerUserCommand } from "./commands/user.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { explainFailure } from "./instance.js";

const program = new Command("kizuna")
  .description("Kizuna: open-source CRM and marketing automation for e-commerce shops")
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerWorkerCommand(program);
registerMigrateCommand(program);
registerShopCommand(program);
registerDemoCommand(program);
registerImportCommand(program);
registerShopifyCommand(program);
registerScenarioCommand(program);
registerCampaignCommand(program);
registerSegmentCommand(program);
registerReportCommand(program);
registerRecommendCommand(program);
registerSimulateCommand(program);
registerPostalCommand(program);
registerInboundCommand(program);
registerChannelCommand(program);
registerProfileCommand(program);
registerPolicyCommand(program);
registerTemplateCommand(program);
registerMessageCommand(program);
registerCustomerCommand(program);
registerUserCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (caught) {
  // A database fault (read-only file, full disk, server down) is said as such, naming the database.
  const err = explainFailure(caught);
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof KizunaError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
