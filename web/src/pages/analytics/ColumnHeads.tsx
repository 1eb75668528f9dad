// The header row every report table shares (the data table and the shaded heat table).
import { columnLabel } from "./labels";
import { type FormatContext, isNumeric, type ReportTable } from "./report";

/** A report table's header row: each column's label in the admin's language, numbers right-aligned. */
export function ColumnHeads({
  table,
  language,
}: {
  table: ReportTable;
  language: FormatContext["language"];
}) {
  return (
    <thead>
      <tr>
        {table.columns.map((c) => (
          <th key={c.key} scope="col" className={isNumeric(c.kind) ? "num" : undefined}>
            {columnLabel(c, language)}
          </th>
        ))}
      </tr>
    </thead>
  );
}
