// Maps of tables with latitude/longitude, drawn with the vendored Leaflet.
// Without a configured tile URL the points sit on a plain background with their labels,
// so the map works offline; with one, base tiles are added underneath.
(function () {
  "use strict";
  document.querySelectorAll(".point-map[data-geojson]").forEach(function (element) {
    var map = L.map(element, { attributionControl: true, scrollWheelZoom: false });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "" }).addTo(map);
    }
    fetch(element.getAttribute("data-geojson"))
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 5, weight: 1, color: "#08476d", fillColor: "#0b5d8f", fillOpacity: 0.8 });
          },
          onEachFeature: function (feature, marker) {
            marker.bindTooltip(String(feature.properties.label), { permanent: data.features.length <= 30, direction: "top" });
          }
        }).addTo(map);
        if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [20, 20] }); }
        element.setAttribute("data-rendered", String(data.features.length));
      });
  });
})();
