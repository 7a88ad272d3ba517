// Keeps the header bell's unread count live: every "notification.new" pushed over the events
// socket (see web/live.js) carries the new count, and "notifications.unread" brings it when
// notifications were read elsewhere (another tab, the phone). Without JavaScript the count is the one the
// page was rendered with.
(() => {
  function show(count) {
    document.querySelectorAll("[data-unread-count]").forEach((badge) => {
      badge.textContent = String(count);
      badge.hidden = count < 1;
    });
  }

  document.addEventListener("jiedan:event", (event) => {
    const { event: name, data } = event.detail || {};
    const counted = name === "notification.new" || name === "notifications.unread";
    if (counted && data && Number.isInteger(data.unread_count)) {
      show(data.unread_count);
    }
  });

  // After a lost connection, ask for the count that may have changed meanwhile.
  document.addEventListener("jiedan:reconnected", () => {
    fetch("/api/v1/notifications/unread-count", { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => body && show(body.count))
      .catch(() => {});
  });
})();
