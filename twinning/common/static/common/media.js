// Videos in the gallery: the small copy plays by default on a slow connection (the browser's
// Save-Data setting or a slow effective type), the medium one otherwise; the viewer may choose.
(function () {
  "use strict";
  var connection = navigator.connection || {};
  var slow = connection.saveData === true || /(^|-)(2g|3g)$/.test(connection.effectiveType || "");
  document.querySelectorAll("video[data-small]").forEach(function (video) {
    var select = video.parentNode.querySelector("select[data-video-quality]");
    function choose(which) {
      var url = video.dataset[which];
      if (!url || video.getAttribute("src") === url) return;
      var at = video.currentTime, playing = !video.paused;
      video.setAttribute("src", url);
      if (at) video.currentTime = at;
      if (playing) video.play();
    }
    if (slow) {
      choose("small");
      if (select) select.value = "small";
    }
    if (select) select.addEventListener("change", function () { choose(select.value); });
  });
})();
