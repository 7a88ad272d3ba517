/* A light device fingerprint: a SHA-256 of stable browser traits (user agent, languages,
   screen, time zone, platform, hardware concurrency; no canvas), posted once per session. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var url = script.getAttribute("data-url");
  var csrf = "";
  try {  // the page's token, as htmx sends it (base template: <body hx-headers>)
    csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch (e) { return; }
  var traits = [
    navigator.userAgent,
    (navigator.languages || [navigator.language]).join(","),
    screen.width + "x" + screen.height + "x" + screen.colorDepth,
    Intl.DateTimeFormat().resolvedOptions().timeZone || "",
    navigator.platform || "",
    String(navigator.hardwareConcurrency || ""),
    String(navigator.maxTouchPoints || 0)
  ].join("|");
  window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(traits)).then(function (buf) {
    var hash = Array.prototype.map.call(new Uint8Array(buf), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
    var body = new URLSearchParams({ hash: hash });
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    });
  }).catch(function () { /* best effort: the site works without it */ });
})();
