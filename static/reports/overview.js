/* Regional overview charts (chart.js), drawn from the JSON the page carries.
 * The table under them holds the same figures for screen readers. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;

  function draw() {
    var node = document.getElementById("report-chart-data");
    if (!node) return;
    var d = JSON.parse(node.textContent);
    var waits = document.getElementById("chart-report-waits");
    var volumes = document.getElementById("chart-report-volumes");
    if (waits) {
      new Chart(waits, {
        type: "bar",
        data: { labels: d.branches, datasets: [
          { label: waits.dataset.mean || "Attesa media", data: d.mean_wait, backgroundColor: "#0066cc" },
          { label: waits.dataset.p90 || "90° percentile", data: d.p90_wait, backgroundColor: "#5c6f82" }
        ] },
        options: { animation: false, maintainAspectRatio: false }
      });
    }
    if (volumes) {
      new Chart(volumes, {
        type: "bar",
        data: { labels: d.branches, datasets: [
          { label: volumes.dataset.issued || "Emessi", data: d.issued, backgroundColor: "#0066cc" },
          { label: volumes.dataset.served || "Serviti", data: d.served, backgroundColor: "#008758" }
        ] },
        options: { animation: false, maintainAspectRatio: false }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
