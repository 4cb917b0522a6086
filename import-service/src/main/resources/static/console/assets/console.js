// Relay operator console: the CSRF header for htmx, confirmations, auto-submitting filters, the live marker and
// the usage chart. No inline scripts (the pages' Content-Security-Policy forbids them).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf"]');
  document.body.addEventListener("htmx:configRequest", function (e) {
    if (csrf && csrf.content) {
      e.detail.headers["X-Csrf-Token"] = csrf.content;
    }
  });
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.dataset.bound = "1";
    s.addEventListener("change", function () { s.form.submit(); });
  });
  var live = document.getElementById("live");
  if (live) {
    var on = document.body.hasAttribute("sse-connect");
    live.classList.toggle("off", !on);
    live.title = on ? "live: this page updates itself" : "this page shows what was true when it loaded";
    document.body.addEventListener("htmx:sseError", function () { live.classList.add("off"); });
    document.body.addEventListener("htmx:sseOpen", function () { live.classList.remove("off"); });
  }
  // the usage charts: tokens and requests per hour, one line per group; drawn again when the live section is swapped
  var palette = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#ca8a04"];
  function plot(el, rows, field, label) {
    if (!el) { return; }
    el.textContent = "";
    var times = [], groups = [], byGroup = {};
    rows.forEach(function (r) {
      var t = Date.parse(r.bucket) / 1000;
      if (times.indexOf(t) < 0) { times.push(t); }
      var g = r.group || "(none)";
      if (!byGroup[g]) { byGroup[g] = {}; groups.push(g); }
      byGroup[g][t] = (byGroup[g][t] || 0) + (r[field] || 0);
    });
    times.sort(function (a, b) { return a - b; });
    if (times.length === 0) {
      el.textContent = "No usage in this window yet.";
      return;
    }
    var series = [{}], values = [times];
    groups.slice(0, 8).forEach(function (g, i) {
      series.push({ label: g, stroke: palette[i], width: 2, points: { show: times.length < 30 } });
      values.push(times.map(function (t) { return byGroup[g][t] || 0; }));
    });
    new uPlot({ width: Math.min(el.clientWidth || 900, 1100), height: 240, series: series,
                axes: [{}, { label: label }] }, values, el);
  }
  function charts() {
    var data = document.getElementById("chart-data");
    if (!data) { return; }
    if (typeof uPlot === "undefined") { return setTimeout(charts, 50); }
    var rows = JSON.parse(data.textContent || "[]");
    plot(document.getElementById("chart"), rows, "weightedTokens", "tokens");
    plot(document.getElementById("chart-requests"), rows, "requests", "requests");
  }
  charts();
  document.body.addEventListener("htmx:afterSettle", function () {
    charts();
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      if (!s.dataset.bound) { s.dataset.bound = "1"; s.addEventListener("change", function () { s.form.submit(); }); }
    });
  });
})();
