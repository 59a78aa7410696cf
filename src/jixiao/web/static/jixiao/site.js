// Small behaviours of the pages, here rather than in on… attributes: the Content-Security-Policy
// allows no inline script (docs/web.md#csp).
"use strict";

// The review page: choosing a finding to rectify fills the message field with its text.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-fills-message")) return;
  const option = select.selectedOptions[0];
  if (option && select.form && select.form.elements.namedItem("message")) {
    select.form.elements.namedItem("message").value = option.dataset.message || "";
  }
});
