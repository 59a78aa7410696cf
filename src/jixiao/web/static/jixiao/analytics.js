/* The analytics page: each chart's series comes from the JSON beside it; the table is already in the page. */
(function () {
  "use strict";
  var palette = ["#1f3b5a", "#4f8a3c", "#d9a400", "#b3261e", "#9aa5b1", "#6c4f9c"];
  var charts = {};

  /* the scatter's points carry the index of their table row, which holds the unit's name and link */
  function rowLink(index) {
    var row = document.querySelectorAll("#chart-scatter tbody tr")[index];
    return row ? row.querySelector("a") : null;
  }

  function option(spec) {
    var base = {
      color: palette,
      animation: false,
      textStyle: { fontFamily: "sans-serif" },
      tooltip: { trigger: spec.type === "scatter" ? "item" : "axis", confine: true },
      grid: { left: 56, right: 20, top: 40, bottom: 40, containLabel: true },
      legend: { top: 0, type: "scroll" }
    };
    if (spec.type === "scatter") {
      base.legend = { show: false };
      base.xAxis = { type: "value", name: spec.xName, nameLocation: "middle", nameGap: 28, scale: true };
      base.yAxis = { type: "value", name: spec.yName, scale: true };
      base.tooltip.formatter = function (p) {
        var link = rowLink(p.data[2]);
        var name = link ? link.textContent : "";
        return echarts.format.encodeHTML(name) + "<br>执行率 " + p.data[0] + "%，总分 " + p.data[1];
      };
      base.series = [{ type: "scatter", symbolSize: 7, data: spec.points, large: spec.points.length > 2000,
        itemStyle: { opacity: 0.75 }, cursor: "pointer" }];
      return base;
    }
    var narrow = window.innerWidth < 600;
    var category = { type: "category", data: spec.categories, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value", name: spec.yName, minInterval: 1 };
    if (spec.yMin === "dataMin") {
      /* averages near each other: start a little below the lowest so the differences show */
      value.min = function (v) { return Math.max(0, Math.floor(v.min - 5)); };
      value.minInterval = 0;
    }
    if (spec.horizontal) {
      value.name = "";
      category.axisLabel.width = narrow ? 96 : 220;
      category.axisLabel.overflow = "truncate";
      base.xAxis = value; base.yAxis = category;
      base.grid.left = 8;
    } else {
      base.xAxis = category; base.yAxis = value;
    }
    base.series = spec.series.map(function (s) {
      return { type: "bar", name: s.name, data: s.data, stack: spec.stack ? "all" : undefined,
        itemStyle: s.color ? { color: s.color } : undefined, emphasis: { focus: "series" } };
    });
    return base;
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var key = el.getAttribute("data-chart");
    var spec = JSON.parse(document.getElementById(key).textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec));
    if (spec.type === "scatter") {
      chart.on("click", function (p) {
        var link = p.data ? rowLink(p.data[2]) : null;
        if (link) { window.location.href = link.href; }
      });
    }
    charts[key] = chart;
  });

  document.querySelectorAll("[data-png]").forEach(function (button) {
    button.addEventListener("click", function () {
      var chart = charts[button.getAttribute("data-png")];
      if (!chart) { return; }
      var link = document.createElement("a");
      link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
      link.download = button.getAttribute("data-name") + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });

  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); }, 150);
  });
})();
