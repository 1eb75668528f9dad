import type { Command } from "commander";

// Placeholder: lands with the CSV importer.
export function registerImportCommand(_program: Command): void {}
