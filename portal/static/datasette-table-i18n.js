/* Datasette's table.js (Apache License 2.0) builds its column menu and filter buttons in English.
   On Indonesian pages their labels are put in Indonesian once it has run (this script is deferred
   after it); English pages keep Datasette's own words. */
(function () {
  if (document.documentElement.lang !== "id") {
    return;
  }
  var labels = {
    "dropdown-sort-asc": "Urutkan naik",
    "dropdown-sort-desc": "Urutkan turun",
    "dropdown-facet": "Faset menurut kolom ini",
    "dropdown-hide-column": "Sembunyikan kolom ini",
    "dropdown-show-all-columns": "Tampilkan semua kolom",
    "dropdown-not-blank": "Tampilkan baris yang tidak kosong"
  };
  Object.keys(labels).forEach(function (name) {
    document.querySelectorAll(".dropdown-menu a." + name).forEach(function (link) {
      link.textContent = labels[name];
    });
  });
  document.querySelectorAll('.filter-row a[aria-label="Remove this filter"]').forEach(function (link) {
    link.setAttribute("aria-label", "Hapus saringan ini");
  });
  /* The column type line is written on each opening of the menu. */
  document.querySelectorAll(".dropdown-menu .dropdown-column-type").forEach(function (line) {
    new MutationObserver(function () {
      if (line.textContent.indexOf("Type: ") === 0) {
        line.textContent = "Tipe: " + line.textContent.slice(6);
      }
    }).observe(line, {childList: true, characterData: true, subtree: true});
  });
})();
