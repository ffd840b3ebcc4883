/* Fieldbook staff pages: the chart and the map, drawn from JSON data blocks (no inline script). */
(function () {
  "use strict";
  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var STATUS_COLOURS = { poor: "#d7301f", exited: "#2c7fb8", exited_stable: "#41ab5d", ordinary: "#969696" };

  function drawChart() {
    var box = document.getElementById("per-day-chart");
    var data = readJson("per-day-data");
    if (!box || !data || typeof echarts === "undefined") { return; }
    var chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 10, top: 10, bottom: 40 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.days.map(function (d) { return d.slice(5); }),
               axisLabel: { interval: 4 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "修改数", data: data.counts, itemStyle: { color: "#2c7fb8" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawMap() {
    var box = document.getElementById("village-map");
    var data = readJson("map-data");
    if (!box || !data || typeof L === "undefined") { return; }
    var map = L.map(box, { attributionControl: false, zoomSnap: 0.25, keyboard: true });
    if (data.tiles) {  // the county's MBTiles, served by this server
      L.tileLayer(data.tiles.url, {
        minZoom: data.tiles.min, maxNativeZoom: data.tiles.max, maxZoom: 18
      }).addTo(map);
      box.classList.add("with-tiles");
    }
    var bounds = [];
    data.points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], {
        radius: p.f ? 7 : 5,
        color: p.f ? "#7a3d00" : "#ffffff",
        dashArray: p.f ? "3 2" : null,
        weight: p.f ? 2 : 1,
        fillColor: STATUS_COLOURS[p.s] || "#969696",
        fillOpacity: 0.9
      }).addTo(map);
      marker.bindTooltip(p.n + " · " + (data.labels[p.s] || p.s) + (p.f ? " · 第19问替代位置" : ""));
      bounds.push([p.lat, p.lon]);
    });
    if (data.committee) {
      L.rectangle(
        [[data.committee[0] - 0.0004, data.committee[1] - 0.0004],
         [data.committee[0] + 0.0004, data.committee[1] + 0.0004]],
        { color: "#000", weight: 2, fillColor: "#000", fillOpacity: 0.8 }
      ).addTo(map).bindTooltip("村委会");
      bounds.push(data.committee);
    }
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    } else {
      map.setView([35, 105], 4);
      box.setAttribute("aria-label", "没有已定位的户");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawChart();
    drawMap();
  });
}());
