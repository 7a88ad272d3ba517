// Keeps the header's unread message total live: the server pushes "messages.unread" with the
// new total whenever it may have changed (a message arrived, or another tab read some).
// Without JavaScript the total is the one the page was rendered with.
(() => {
  function show(count) {
    document.querySelectorAll("[data-unread-messages]").forEach((badge) => {
      badge.textContent = String(count);
      badge.hidden = count < 1;
    });
  }

  document.addEventListener("jiedan:event", (event) => {
    const { event: name, data } = event.detail || {};
    if (name === "messages.unread" && data && Number.isInteger(data.unread_total)) {
      show(data.unread_total);
    }
  });

  // After a lost connection, ask for the total that may have changed meanwhile.
  document.addEventListener("jiedan:reconnected", () => {
    fetch("/api/v1/messages/unread-count", { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => body && show(body.count))
      .catch(() => {});
  });
})();
