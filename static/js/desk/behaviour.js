// What the desk pages ask for in data attributes, so that no page carries inline script and
// the Content-Security-Policy can forbid it: submit a filter on change, confirm before a
// form is sent, print, reload a form for another site, append a checkpoint code.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.matches("[data-autosubmit]") && field.form) field.form.submit();
  if (field.matches("[data-reload-site]")) window.location.search = "?site=" + encodeURIComponent(field.value);
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
  const button = event.target.closest("button[data-code]");
  const box = document.querySelector("textarea.codes");
  if (button && box) {
    const text = box.value.replace(/\s+$/, "");
    box.value = (text ? text + "\n" : "") + button.dataset.code + "\n";
    box.focus();
  }
});

// The top bar's groups: one open at a time, closed by a click elsewhere or Escape.
document.addEventListener("toggle", (event) => {
  const group = event.target;
  if (!group.matches || !group.matches("details.nav-group") || !group.open) return;
  document.querySelectorAll("details.nav-group[open]").forEach((other) => { if (other !== group) other.open = false; });
}, true);
document.addEventListener("click", (event) => {
  if (event.target.closest("details.nav-group")) return;
  document.querySelectorAll("details.nav-group[open]").forEach((group) => { group.open = false; });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.nav-group[open]").forEach((group) => {
    group.open = false;
    group.querySelector("summary").focus();
  });
});
