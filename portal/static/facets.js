// On phones the catalog's facets start folded behind their "Filter" control, so the first results
// are on the first screen (1,450 px of facets came before them). Without JavaScript they stay open.
(function () {
  var phone = window.matchMedia("(max-width: 48rem)");
  function fold() {
    document.querySelectorAll("details.facet-panel").forEach(function (panel) { panel.open = !phone.matches; });
  }
  document.addEventListener("DOMContentLoaded", fold);
  phone.addEventListener("change", fold);
})();
