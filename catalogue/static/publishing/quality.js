// Live metadata quality: re-score the form as the publisher types. The page works without it.
(function () {
  var form = document.getElementById("dataset-form");
  var panel = document.getElementById("quality-panel");
  if (!form || !panel || !window.fetch) return;
  var timer = null;
  function render(result) {
    var fixes = result.improvements.slice(0, 6).map(function (fix) {
      var li = document.createElement("li");
      li.textContent = fix.fix + " (+" + fix.points + ")";
      return li;
    });
    panel.querySelectorAll("#quality-intro").forEach(function (el) { el.remove(); });
    var summary = panel.querySelector("p.govuk-body") || document.createElement("p");
    summary.className = "govuk-body";
    summary.textContent = "";
    var score = document.createElement("span");
    score.className = "govuk-!-font-size-36 govuk-!-font-weight-bold";
    score.id = "quality-score";
    score.textContent = result.score;
    var rating = document.createElement("strong");
    rating.id = "quality-rating";
    rating.textContent = result.rating_label;
    summary.append(score, " out of " + result.max + " · ", rating);
    if (!summary.parentNode) panel.insertBefore(summary, panel.children[1]);
    var list = panel.querySelector("#quality-fixes");
    if (!list) {
      var heading = document.createElement("h3");
      heading.className = "govuk-heading-s";
      heading.textContent = "Fixes that gain most";
      list = document.createElement("ol");
      list.className = "govuk-list govuk-list--number";
      list.id = "quality-fixes";
      summary.after(heading, list);
    }
    list.replaceChildren.apply(list, fixes.length ? fixes : [Object.assign(document.createElement("li"), {textContent: "Nothing left to improve."})]);
  }
  function rescore() {
    fetch(form.dataset.qualityUrl, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (result) { if (result) render(result); });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(rescore, 400); });
  form.addEventListener("change", rescore);
})();
