/* Operator desk: single-key shortcuts for the most frequent commands.
 * Everything also works with Tab and Enter alone; the keys are a help,
 * shown on the buttons, and are ignored while typing in a field. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    var target = event.target;
    if (target && (target.isContentEditable ||
        /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) && target.type !== "checkbox")) {
      return;
    }
    var key = (event.key || "").toLowerCase();
    if (key.length !== 1) return;
    var button = document.querySelector('[data-shortcut="' + key + '"]:not([disabled])');
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
