export type Cell = string | number | boolean | undefined;

/**
 * Lays rows out in aligned columns under upper-case headings, two spaces apart; numbers are
 * right-aligned so that their digits line up. With no rows, `empty` is shown instead.
 */
export function formatTable(headings: string[], rows: Cell[][], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const text = rows.map((row) => headings.map((_, column) => cellText(row[column])));
  const widths = headings.map((heading, column) =>
    Math.max(heading.length, ...text.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[], numeric: boolean[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return numeric[column] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const numeric = headings.map((_, column) => rows.every((row) => typeof row[column] === 'number'));
  return [
    line(
      headings.map((heading) => heading.toUpperCase()),
      numeric,
    ),
    ...text.map((row) => line(row, numeric)),
  ].join('\n');
}

function cellText(cell: Cell): string {
  return cell === undefined ? '' : String(cell);
}
