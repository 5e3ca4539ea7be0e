// When htmx swaps a part of the page in place (a shift card, a roster row), the button that was pressed is
// replaced and the keyboard focus would fall back to the top of the page. Put it back in the new part instead.
let returnTo = null;

document.addEventListener("htmx:before:request", () => {
  const part = document.activeElement && document.activeElement.closest("[id]");
  returnTo = part && part !== document.body ? {id: part.id, until: Date.now() + 10000} : null;
});

new MutationObserver(() => {
  if (!returnTo || Date.now() > returnTo.until) return;
  if (document.activeElement && document.activeElement !== document.body) return;
  const part = document.getElementById(returnTo.id);
  if (!part) return;
  returnTo = null;
  const target = part.querySelector("button:not([disabled]), a[href], input:not([type=hidden]), select, textarea");
  if (target) {
    target.focus();
  } else {
    part.setAttribute("tabindex", "-1");
    part.focus();
  }
}).observe(document.documentElement, {childList: true, subtree: true});
