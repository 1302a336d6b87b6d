// Small improvements on top of pages that work without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // After a refused form, move the keyboard and screen reader to what needs fixing.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // The 団体 picker: suggestions by name or reading from the public municipality search, as
  // "code prefecture name" (the server takes the leading code).
  var list = document.getElementById("municipality-suggestions");
  if (!list) return;
  var timer = null;
  var lastQuery = "";
  function suggest(input) {
    var text = input.value.trim();
    var key = text + "|" + ((document.getElementById("picker-prefecture") || {}).value || "");
    if (text === "" || /^[0-9]{5,6}/.test(text) || key === lastQuery) return;
    lastQuery = key;
    var url = "/v1/municipalities?all=true&active=true&limit=20&q=" + encodeURIComponent(text);
    var prefecture = document.getElementById("picker-prefecture");
    if (prefecture && prefecture.value) url += "&prefecture=" + encodeURIComponent(prefecture.value);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (page) {
        while (list.firstChild) list.removeChild(list.firstChild);
        (page.items || []).forEach(function (m) {
          var option = document.createElement("option");
          option.value = m.code + " " + m.prefecture_name + " " + m.name;
          list.appendChild(option);
        });
      })
      .catch(function () { /* suggestions are optional; typing a code still works */ });
  }
  document.querySelectorAll(".municipality-input").forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { suggest(input); }, 250);
    });
  });
});
