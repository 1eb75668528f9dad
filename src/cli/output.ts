// Small helpers for printing results: a JSON line for machines, aligned tables for people.
import { displayWidth } from "../core/text.js";

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

export function formatTable(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return "(no rows)";
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) =>
    Math.max(displayWidth(c), ...rows.map((r) => displayWidth(String(r[c] ?? "")))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => pad(cell, widths[i]))
      .join("  ")
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map((r) => line(columns.map((c) => String(r[c] ?? "")))),
  ].join("\n");
}
