// Print buttons appear only when a script can print; without one the browser's own Print still works.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
