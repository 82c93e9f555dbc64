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

/* Service timer: how long the called ticket has been at the counter,
 * counted from the server's figure so that a wrong clock on the desk's
 * computer does not matter. */
(function () {
  "use strict";
  var timer = document.querySelector("[data-service-timer]");
  if (!timer) return;
  var elapsed = parseInt(timer.getAttribute("data-elapsed"), 10) || 0;
  var started = Date.now();
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function show() {
    var seconds = elapsed + Math.floor((Date.now() - started) / 1000);
    var minutes = Math.floor(seconds / 60);
    timer.textContent = pad(minutes) + ":" + pad(seconds % 60);
    timer.setAttribute("data-seconds", String(seconds));
  }
  show();
  window.setInterval(show, 1000);
})();
