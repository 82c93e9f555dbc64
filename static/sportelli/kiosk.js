/* Kiosk ticket: print (by the button, or at once where the kiosk is set up
 * to print without a dialog), then go back to the start screen for the next
 * person after a short countdown. */
(function () {
  "use strict";
  var page = document.querySelector("[data-reset-url]");
  var button = document.querySelector("[data-print]");
  var state = (window.kioskTicket = { printed: 0, left: null });

  function print() {
    state.printed += 1;
    window.print();
  }

  if (button) button.addEventListener("click", print);
  if (!page) return;

  if (page.dataset.autoPrint === "1") {
    // With Chromium's --kiosk-printing this goes straight to the printer.
    if (document.readyState === "complete") print();
    else window.addEventListener("load", print, { once: true });
  }

  var left = parseInt(page.dataset.resetSeconds || "15", 10);
  var shown = page.querySelector("[data-reset-left]");
  state.left = left;
  var timer = setInterval(function () {
    left -= 1;
    state.left = left;
    if (shown) shown.textContent = String(Math.max(left, 0));
    if (left <= 0) {
      clearInterval(timer);
      // Back to the start in the kiosk's own language for the next person.
      var form = page.querySelector("[data-reset-form]");
      if (form) form.submit();
      else window.location.replace(page.dataset.resetUrl);
    }
  }, 1000);
})();
