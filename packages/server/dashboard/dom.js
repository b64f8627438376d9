// DOM helpers shared by the panels. Every value from the gateway goes in as text, never as HTML.

export const $ = (id) => document.getElementById(id);

export function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

export function row(...cells) {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

/** Replaces a table body's rows; with none, one notice spanning the table's header row. */
export function fillRows(tbody, rows, emptyText) {
  if (rows.length === 0) {
    const td = cell(emptyText, 'empty');
    td.colSpan = tbody.parentElement.tHead.rows[0].cells.length;
    rows = [row(td)];
  }
  tbody.replaceChildren(...rows);
}

export function showMessage(element, text, isError) {
  element.textContent = text;
  element.classList.toggle('error', isError);
}

/** Empties a table to a '–' notice, and says why in `message` (as an error when `isError`). */
export function clearTable(tbody, message, text, isError = false) {
  showMessage(message, text, isError);
  fillRows(tbody, [], '–');
}

/** A JSON value as one line of text, cut at `max` characters so that one payload cannot flood a table. */
export function jsonText(value, max = 200) {
  if (value === undefined) return '–';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A time (milliseconds since the epoch) as the local clock shows it. */
export function clockTime(time) {
  return new Date(time).toLocaleTimeString();
}
