/**
 * Tables of the Analytics panel: robot KPIs per robot (with a "trail" checkbox per row) and per
 * kind, sortable by clicking a header (again: reverse); and plain tables (dwell per space).
 * Cell texts and sort order come from analyticsModel.ts.
 */
import { sortRows, type KpiColumn } from './analyticsModel.js';

export interface SortableTableOptions<R> {
  testid: string;
  /** Per-row checkbox (first column): its key, whether it is ticked, and what a tick does. */
  check?: { header: string; key(r: R): string; checked(key: string): boolean; toggle(key: string, on: boolean): void };
}

/**
 * A sortable table of `rows` in `host` (replacing what was there). Returns a re-render function
 * (e.g. after the checked set changed elsewhere).
 */
export function sortableTable<R>(host: HTMLElement, rows: readonly R[], columns: readonly KpiColumn<R>[], o: SortableTableOptions<R>): () => void {
  let sortKey: string | null = null;
  let descending = false;
  const render = () => {
    const table = document.createElement('table');
    table.setAttribute('data-testid', o.testid);
    const head = table.createTHead().insertRow();
    if (o.check) {
      const th = document.createElement('th');
      th.textContent = o.check.header;
      head.append(th);
    }
    for (const c of columns) {
      const th = document.createElement('th');
      th.textContent = c.header + (sortKey === c.key ? (descending ? ' ▼' : ' ▲') : '');
      th.style.cursor = 'pointer';
      th.title = 'sort';
      th.setAttribute('data-col', c.key);
      th.addEventListener('click', () => {
        descending = sortKey === c.key ? !descending : typeof c.sort(rows[0]!) === 'number';
        sortKey = c.key;
        render();
      });
      head.append(th);
    }
    const body = table.createTBody();
    for (const r of sortRows(rows, columns.find((c) => c.key === sortKey), descending)) {
      const tr = body.insertRow();
      if (o.check) {
        const chk = o.check;
        const key = chk.key(r);
        tr.setAttribute('data-key', key);
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.checked = chk.checked(key);
        box.setAttribute('aria-label', `${chk.header} ${key}`);
        box.addEventListener('change', () => chk.toggle(key, box.checked));
        tr.insertCell().append(box);
      }
      for (const c of columns) tr.insertCell().textContent = c.text(r);
    }
    host.replaceChildren(table);
  };
  if (rows.length === 0) {
    host.replaceChildren(Object.assign(document.createElement('div'), { textContent: 'none in this window' }));
    return () => undefined;
  }
  render();
  return render;
}

/** A plain table of text rows. */
export function plainTable(host: HTMLElement, headers: readonly string[], rows: readonly string[][], testid: string): void {
  const table = document.createElement('table');
  table.setAttribute('data-testid', testid);
  const head = table.createTHead().insertRow();
  for (const h of headers) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const c of r) tr.insertCell().textContent = c;
  }
  if (rows.length === 0) {
    const td = body.insertRow().insertCell();
    td.colSpan = headers.length;
    td.textContent = 'none in this window';
  }
  host.replaceChildren(table);
}
