// The place page's interactive map, drawn with the vendored Leaflet where JavaScript runs: the
// area, its neighbours (each a link to its own page) and the areas inside it, on a plain
// background unless a tile URL is configured. Without JavaScript the server's SVG stays.
(function () {
  "use strict";
  var element = document.getElementById("place-map");
  if (!element || typeof L === "undefined") { return; }
  var styles = {
    place: { color: "#08476d", weight: 2.5, fillColor: "#0b5d8f", fillOpacity: 0.55 },
    child: { color: "#ffffff", weight: 1.2, fillOpacity: 0 },
    neighbour: { color: "#6b7785", weight: 1, fillColor: "#dfe7ee", fillOpacity: 0.8 }
  };
  // Names that would overlap one already shown are hidden until a zoom makes room (the list beside
  // the map names every neighbour).
  function declutter(labels) {
    var shown = [];
    labels.forEach(function (label) {
      var node = label.getElement();
      if (!node) { return; }
      node.classList.remove("place-tooltip-hidden");
      var box = node.getBoundingClientRect();
      var overlaps = shown.some(function (other) {
        return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
      });
      if (overlaps) { node.classList.add("place-tooltip-hidden"); } else { shown.push(box); }
    });
  }
  fetch(element.getAttribute("data-geojson"))
    .then(function (response) { return response.json(); })
    .then(function (data) {
      element.hidden = false;
      var outline = document.getElementById("place-outline");
      if (outline) { outline.setAttribute("hidden", ""); }
      var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25 });
      var tiles = element.getAttribute("data-tiles");
      if (tiles) {
        L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "" }).addTo(map);
      }
      var focus = null, labels = [];
      var layer = L.geoJSON(data, {
        style: function (feature) { return styles[feature.properties.role] || styles.neighbour; },
        onEachFeature: function (feature, shape) {
          var p = feature.properties;
          if (p.role === "child") {
            shape.bindTooltip(p.nama + " (" + p.tingkat + ")", { sticky: true });
          } else {  // names stay on the map, at a point inside the area (publish computes it)
            labels.push(L.tooltip({ permanent: true, direction: "center", className: "place-tooltip", focus: p.role === "place" })
              .setLatLng([p.label_point[1], p.label_point[0]]).setContent(p.nama));
          }
          if (p.role === "place") { focus = shape; return; }
          shape.on("click", function () { window.location.href = p.url; });
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
      if (focus) { focus.bringToFront(); }
      labels.sort(function (a, b) { return (b.options.focus ? 1 : 0) - (a.options.focus ? 1 : 0); });
      labels.forEach(function (label) { label.addTo(map); });
      declutter(labels);
      map.on("zoomend", function () { declutter(labels); });
      layer.eachLayer(function (shape) { if (shape.feature.properties.role === "child") { shape.bringToFront(); } });
      element.setAttribute("data-rendered", String(data.features.length));
    });
})();
