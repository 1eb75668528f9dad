import type { Command } from "commander";
import type { DemoResult } from "../../demo/index.js";

export function printDemoShop(demo: DemoResult): void {
  console.log(`demo shop ${demo.shop.id} "${demo.shop.name}"`);
  console.log(`  secret key: ${demo.secretKey}`);
  console.log(`  public key: ${demo.publicKey}`);
}

// Placeholder: the generator command lands with the demo feature.
export function registerDemoCommand(_program: Command): void {}
