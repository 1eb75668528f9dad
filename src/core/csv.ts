// CSV cells as spreadsheets open them: RFC 4180 quoting, and cells a spreadsheet would run as a formula
// defused with a leading apostrophe (OWASP's advice on CSV injection). Every CSV Kizuna writes (postal
// exports, import error lists, segment members, reports) goes through here.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A cell that cannot start a formula: `=1+1` becomes `'=1+1`. */
export function defuseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One cell: defused, then quoted when it holds a quote, comma or line end. Numbers pass as they are. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const safe = defuseFormula(value);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: ReadonlyArray<string | number | null | undefined>): string {
  return cells.map(csvCell).join(",");
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return rows
    .map((row) => csvLine(row))
    .join("\r\n")
    .concat("\r\n");
}
