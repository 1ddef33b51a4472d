// Copy buttons for citations and commands: a button after every element with data-copy.
// Added by this script, so without JavaScript there is no dead button and the text stays
// selectable. The labels come from the page (data-copy-label, data-copied-label) in its language.
(function () {
  "use strict";
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  document.querySelectorAll("[data-copy]").forEach(function (element) {
    var button = document.createElement("button");
    var label = element.getAttribute("data-copy-label") || "Salin";
    var done = element.getAttribute("data-copied-label") || label;
    button.type = "button";
    button.className = "copy-button";
    button.textContent = label;
    button.addEventListener("click", function () {
      var text = element.textContent.trim();
      var shown = function () {
        button.textContent = done;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(shown, function () { selectText(element); });
      } else {
        selectText(element);  // no clipboard API (plain http): leave it selected for Ctrl+C
        try { if (document.execCommand("copy")) { shown(); } } catch (error) { /* selected is enough */ }
      }
    });
    element.insertAdjacentElement("afterend", button);
  });
})();
