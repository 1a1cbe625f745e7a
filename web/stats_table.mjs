// A table of the statistics page whose every column sorts: a button in each column header
// (so it is reachable by keyboard and says what it does), the sorted column marked with
// aria-sort. Text columns sort A–Z first, figures largest first; a second press turns the
// order round. Rows keep their sort when the data is refreshed.
//
//   const table = new SortableTable({id, caption, columns, rowKey, collator, emptyText});
//   table.update(rows);  // re-renders the body in the current order
//   table.element        // <table>
//
// A column: {key, label, type: 'text' | 'number', value: (row) => sortable value,
// format: (row) => text shown, label used for the sort button's accessible name too}.

export class SortableTable {
  #columns;
  #rowKey;
  #collator;
  #emptyText;
  #rows = [];
  #sortKey = null;
  #direction = 'none';
  #headers = new Map(); // column key -> <th>
  #body;
  element;

  constructor({ id, caption, columns, rowKey, collator, emptyText, sortLabel }) {
    this.#columns = columns;
    this.#rowKey = rowKey;
    this.#collator = collator;
    this.#emptyText = emptyText;
    const table = document.createElement('table');
    table.className = 'stats-table';
    table.id = id;
    const captionNode = document.createElement('caption');
    captionNode.className = 'visually-hidden';
    captionNode.textContent = caption;
    const head = document.createElement('thead');
    const headRow = document.createElement('tr');
    for (const column of columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.dataset.column = column.key;
      if (column.type === 'number') th.className = 'stats-number';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'stats-sort';
      button.title = sortLabel(column.label);
      const label = document.createElement('span');
      label.textContent = column.label;
      const arrow = document.createElement('span');
      arrow.className = 'stats-sort-arrow';
      arrow.setAttribute('aria-hidden', 'true');
      button.append(label, arrow);
      button.addEventListener('click', () => this.sortBy(column.key));
      th.append(button);
      headRow.append(th);
      this.#headers.set(column.key, th);
    }
    head.append(headRow);
    this.#body = document.createElement('tbody');
    table.append(captionNode, head, this.#body);
    this.element = table;
  }

  // Sorts by `key`: the same column again turns the order round.
  sortBy(key) {
    const column = this.#columns.find((c) => c.key === key);
    if (!column) return;
    if (this.#sortKey === key) {
      this.#direction = this.#direction === 'ascending' ? 'descending' : 'ascending';
    } else {
      this.#sortKey = key;
      this.#direction = column.type === 'number' ? 'descending' : 'ascending';
    }
    for (const [columnKey, th] of this.#headers) {
      if (columnKey === key) th.setAttribute('aria-sort', this.#direction);
      else th.removeAttribute('aria-sort');
    }
    this.#render();
  }

  update(rows) {
    this.#rows = rows;
    this.#render();
  }

  #sorted() {
    const column = this.#columns.find((c) => c.key === this.#sortKey);
    if (!column) return this.#rows;
    const sign = this.#direction === 'descending' ? -1 : 1;
    const compare =
      column.type === 'number'
        ? (a, b) => (a ?? -Infinity) - (b ?? -Infinity)
        : (a, b) => this.#collator.compare(String(a ?? ''), String(b ?? ''));
    // Ties keep the programme's order (Array.prototype.sort is stable).
    return [...this.#rows].sort((a, b) => sign * compare(column.value(a), column.value(b)));
  }

  #render() {
    const rows = this.#sorted();
    if (!rows.length) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = this.#columns.length;
      td.className = 'stats-empty';
      td.textContent = this.#emptyText;
      tr.append(td);
      this.#body.replaceChildren(tr);
      return;
    }
    this.#body.replaceChildren(
      ...rows.map((row) => {
        const tr = document.createElement('tr');
        tr.dataset.key = this.#rowKey(row);
        this.#columns.forEach((column, index) => {
          // The first column names the row: a row header for screen readers.
          const cell = document.createElement(index === 0 ? 'th' : 'td');
          if (index === 0) cell.scope = 'row';
          cell.dataset.column = column.key;
          if (column.type === 'number') {
            cell.className = 'stats-number';
            const value = column.value(row);
            if (value !== null && value !== undefined) cell.dataset.value = String(value);
          }
          cell.textContent = column.format(row);
          tr.append(cell);
        });
        return tr;
      }),
    );
  }
}
