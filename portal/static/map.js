// Interactive maps, drawn with the vendored Leaflet: points of tables with latitude/longitude
// (clustered when there are many, with the vendored Leaflet.markercluster) and maps by area
// (choropleths, the same classes and colours as the SVG beside them). Both sit on the city and
// kecamatan outlines, so the map works offline; base tiles are added only with a configured URL.
(function () {
  "use strict";
  var CLUSTER_FROM = 60; // fewer points are each drawn, with their labels
  var outlines = {};

  function getJSON(url) {
    if (!outlines[url]) {
      outlines[url] = fetch(url).then(function (response) { return response.json(); });
    }
    return outlines[url];
  }

  function baseMap(element) {
    var map = L.map(element, { attributionControl: true, scrollWheelZoom: false, zoomSnap: 0.25, minZoom: 9, maxZoom: 18 });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "" }).addTo(map);
    }
    return map;
  }

  // The city and kecamatan lines; under points the city is also filled white, to stand out of the
  // background (over a map by area a fill would hide the areas).
  function drawOutlines(map, element, filled) {
    var url = element.getAttribute("data-outlines");
    if (!url) { return Promise.resolve(null); }
    return getJSON(url).then(function (data) {
      var lines = L.geoJSON(data, {
        interactive: false,
        style: function (feature) {
          var city = feature.properties.level === "kota";
          return { color: "#1b2430", weight: city ? 2.4 : 1.4, opacity: 0.9, fill: filled && city,
                   fillColor: "#ffffff", fillOpacity: 1 };
        }
      }).addTo(map);
      data.features.forEach(function (feature) { // kecamatan names, as on the SVG, to find one's way
        var at = feature.properties.label_point;
        if (feature.properties.level !== "kecamatan" || !at) { return; }
        L.marker([at[1], at[0]], { interactive: false, keyboard: false, icon: L.divIcon({
          className: "area-label", iconSize: null, html: escapeText(feature.properties.nama.toUpperCase()) }) }).addTo(map);
      });
      return lines;
    });
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = String(text);
    return span.innerHTML;
  }

  function legendControl(legend) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      var html = "<strong>" + escapeText(legend.heading) + "</strong>";
      legend.entries.forEach(function (entry) {
        var swatch = entry.fill ? '<span aria-hidden="true" data-fill="' + escapeText(entry.fill) + '"></span>'
          : '<span aria-hidden="true" class="no-data"></span>';
        html += "<br>" + swatch + escapeText(entry.text);
      });
      box.innerHTML = html;
      box.querySelectorAll("span[data-fill]").forEach(function (span) {
        span.style.background = span.getAttribute("data-fill"); // CSSOM, which the CSP allows
      });
      return box;
    };
    return control;
  }

  function drawChoropleth(element) {
    var map = baseMap(element);
    return getJSON(element.getAttribute("data-geojson")).then(function (data) {
      var areas = L.geoJSON(data, {
        style: function (feature) {
          var fill = feature.properties.fill;
          return { color: "#6b7785", weight: 0.6, fillColor: fill || "#e9ecef", fillOpacity: fill ? 0.9 : 0.6,
                   dashArray: fill ? null : "2 3" };
        },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(escapeText(feature.properties.label), { sticky: true });
          layer.on("mouseover", function () { layer.setStyle({ weight: 2, color: "#000" }); });
          layer.on("mouseout", function () { areas.resetStyle(layer); });
        }
      }).addTo(map);
      if (data.features.length) { map.fitBounds(areas.getBounds(), { padding: [10, 10] }); }
      if (data.legend) { legendControl(data.legend).addTo(map); }
      return drawOutlines(map, element, false).then(function () {
        element.setAttribute("data-rendered", String(data.features.length));
      });
    });
  }

  function drawPoints(element) {
    var map = baseMap(element);
    return Promise.all([getJSON(element.getAttribute("data-geojson")), drawOutlines(map, element, true)])
      .then(function (results) {
        var data = results[0], base = results[1];
        var many = data.features.length >= CLUSTER_FROM && L.markerClusterGroup;
        var dot = L.divIcon({ className: "point-dot", iconSize: [10, 10] });
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return many ? L.marker(latlng, { icon: dot, keyboard: false })
              : L.circleMarker(latlng, { radius: 5, weight: 1, color: "#08476d", fillColor: "#0b5d8f", fillOpacity: 0.8 });
          },
          onEachFeature: function (feature, marker) {
            marker.bindTooltip(escapeText(feature.properties.label), { permanent: data.features.length <= 30, direction: "top" });
          }
        });
        var shown = layer;
        if (many) {
          shown = L.markerClusterGroup({
            showCoverageOnHover: false, maxClusterRadius: 50,
            iconCreateFunction: function (cluster) {
              var count = cluster.getChildCount();
              var size = count < 10 ? 28 : count < 100 ? 36 : 44;
              return L.divIcon({ html: "<span>" + count + "</span>", className: "point-cluster", iconSize: [size, size] });
            }
          });
          shown.addLayer(layer);
        }
        shown.addTo(map);
        var bounds = layer.getBounds();
        if (base) { bounds = bounds.isValid() ? base.getBounds().extend(bounds) : base.getBounds(); }
        if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
        element.setAttribute("data-rendered", String(data.features.length));
        element.setAttribute("data-clustered", many ? "true" : "false");
      });
  }

  // Leaflet itself, when the page did not load it (pages with only maps by area load it on demand);
  // its files are named by the interactive map's <details>.
  function leaflet(details) {
    if (window.L) { return Promise.resolve(); }
    return new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = details.getAttribute("data-leaflet-css");
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = details.getAttribute("data-leaflet");
      js.onload = resolve;
      js.onerror = reject;
      document.head.appendChild(js);
    });
  }

  document.querySelectorAll(".point-map[data-geojson]").forEach(drawPoints);

  // The interactive map by area waits, folded, under its SVG: drawn the first time it is opened.
  document.querySelectorAll("details.interactive-map").forEach(function (details) {
    details.hidden = false;
    details.addEventListener("toggle", function () {
      var element = details.querySelector(".choropleth-map[data-geojson]");
      if (details.open && element && !element.getAttribute("data-started")) {
        element.setAttribute("data-started", "true");
        leaflet(details).then(function () { return drawChoropleth(element); });
      }
    });
  });
})();
