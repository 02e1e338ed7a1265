/* sphinxcontrib-dep: narrow the rows of a filterable table (.dep-filterable) as you type in
 * its input.dep-filter. Every word must occur in a row's text, case-insensitively; the count
 * of shown rows goes to .dep-filter-count. No dependencies. */
(function () {
  "use strict";
  function setUp(container) {
    var input = container.querySelector("input.dep-filter");
    var count = container.querySelector(".dep-filter-count");
    var rows = Array.prototype.slice.call(container.querySelectorAll("table tbody tr"));
    if (!input) return;
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        row.classList.toggle("dep-filtered-out", !match);
        if (match) shown += 1;
      });
      if (count) count.textContent = words.length ? shown + " of " + rows.length + " shown" : "";
    }
    input.addEventListener("input", apply);
    apply();
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".dep-filterable"), setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
