// Search over the behavioral descriptions in search-index.js (window.LADDER_SEARCH); no server.
(function () {
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var count = document.getElementById("count");
  var items = window.LADDER_SEARCH || [];
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function run() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.innerHTML = "";
    if (!words.length) { count.textContent = ""; return; }
    var found = items.filter(function (it) {
      var hay = (it.text + " " + it.competency + " " + it.level + " " + it.family).toLowerCase();
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
    count.textContent = found.length + (found.length === 1 ? " description" : " descriptions") + " found";
    found.slice(0, 200).forEach(function (it) {
      var li = document.createElement("li");
      li.innerHTML = '<a href="' + esc(it.href) + '">' + esc(it.family) + " · " + esc(it.level) +
        "</a> · <strong>" + esc(it.competency) + "</strong><br>" + esc(it.text);
      list.appendChild(li);
    });
  }
  input.addEventListener("input", run);
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { input.value = q; }
  run();
})();
