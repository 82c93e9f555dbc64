/* Hall dashboard charts (chart.js): redrawn from the JSON each refresh
 * brings. The tables next to them carry the same figures for screen
 * readers and for a wall screen without script. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  var charts = {};

  function data() {
    var node = document.getElementById("chart-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw() {
    var d = data();
    if (!d) return;
    var waits = document.getElementById("chart-waits");
    var lines = document.getElementById("chart-lines");
    if (waits && !charts.waits) {
      charts.waits = new Chart(waits, {
        type: "line",
        data: { labels: d.hours, datasets: [
          { label: waits.dataset.today || "Oggi", data: d.today, borderColor: "#0066cc", spanGaps: true },
          { label: waits.dataset.usual || "Ultime 4 settimane", data: d.usual, borderColor: "#5c6f82", borderDash: [6, 4], spanGaps: true }
        ] },
        options: { animation: false, maintainAspectRatio: false }
      });
    } else if (charts.waits) {
      charts.waits.data.labels = d.hours;
      charts.waits.data.datasets[0].data = d.today;
      charts.waits.data.datasets[1].data = d.usual;
      charts.waits.update();
    }
    if (lines && !charts.lines) {
      charts.lines = new Chart(lines, {
        type: "bar",
        data: { labels: d.lines, datasets: [
          { label: lines.dataset.label || "Biglietti", data: d.issued, backgroundColor: "#0066cc" }
        ] },
        options: { animation: false, maintainAspectRatio: false }
      });
    } else if (charts.lines) {
      charts.lines.data.labels = d.lines;
      charts.lines.data.datasets[0].data = d.issued;
      charts.lines.update();
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSettle", draw);
})();
