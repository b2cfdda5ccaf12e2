/**
 * The console's one table: a caption, a header cell per column, a row per record. The
 * column that names the record is the row header (`<th scope="row">`), so a screen reader
 * announces it with every cell; each other cell carries its column's label as `data-label`,
 * which the narrow layout shows before the value (pages.css, `.data-table`). A column of
 * buttons is `actions`: its cells need no label, since each button names its row.
 */
import type { ComponentChildren } from 'preact';

export interface DataColumn<Row> {
  label: string;
  cell: (row: Row) => ComponentChildren;
  /** The cell that names the row; one column of a table. */
  rowHeader?: boolean;
  /** A column of row actions (buttons). */
  actions?: boolean;
}

export interface DataTableProps<Row> {
  caption: string;
  columns: readonly DataColumn<Row>[];
  rows: readonly Row[];
  /** A key unique among the rows, for rendering. */
  keyOf: (row: Row) => string;
}

export function DataTable<Row>({ caption, columns, rows, keyOf }: DataTableProps<Row>) {
  return (
    <table class="data-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.label} scope="col">
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={keyOf(row)}>
            {columns.map((column) =>
              column.rowHeader ? (
                <th key={column.label} scope="row">
                  {column.cell(row)}
                </th>
              ) : column.actions ? (
                <td key={column.label} class="row-actions">
                  {column.cell(row)}
                </td>
              ) : (
                <td key={column.label} data-label={column.label}>
                  {column.cell(row)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
