// The directory's search as you type and status filter. Without JavaScript the full table shows.
"use strict";
(() => {
  const form = document.getElementById("filters");
  const table = document.getElementById("orgs");
  if (!form || !table) return;
  const q = document.getElementById("q"), status = document.getElementById("status"), count = document.getElementById("count");
  const rows = [...table.tBodies[0].rows].map((row) => ({
    row, status: row.dataset.status,
    text: (row.cells[0].textContent + " " + row.cells[1].textContent).toLowerCase(),
    digits: row.cells[1].textContent.replace(/\D/g, ""),
  }));
  const apply = () => {
    const term = q.value.trim().toLowerCase(), digits = term.replace(/\D/g, ""), wanted = status.value;
    let shown = 0;
    for (const r of rows) {
      const match = (!term || r.text.includes(term) || (digits.length >= 3 && r.digits.includes(digits))) && (!wanted || r.status === wanted);
      r.row.hidden = !match;
      if (match) shown++;
    }
    count.textContent = `${shown} av ${rows.length} organisationer visas (${shown} of ${rows.length} shown)`;
  };
  form.hidden = false;
  form.addEventListener("submit", (e) => e.preventDefault());
  q.addEventListener("input", apply);
  status.addEventListener("change", apply);
  apply();
})();
