// Live conversation page. Without this file the page still works (plain form POST, links).
// When live.js reports a new message in this conversation ("jiedan:event" with
// event "message.new"), or the socket (re)connects ("hello", "jiedan:reconnected"), the
// page fetches every message after the last one shown, appends them and updates the read
// receipts. "message.read" turns the sender's "Sent" labels into "Read".
(() => {
  const list = document.getElementById("messages");
  if (!list || !list.dataset.newerUrl) return;
  const conversationId = Number(list.dataset.conversation);
  let fetching = null;
  let again = false;

  function lastId() {
    const items = list.querySelectorAll("li[data-id]");
    return items.length ? Number(items[items.length - 1].dataset.id) : Number(list.dataset.after);
  }

  async function fetchNewer() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = (async () => {
      do {
        again = false;
        const url = `${list.dataset.newerUrl}?after=${lastId()}`;
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) break;
        markRead(Number(response.headers.get("X-Read-Up-To") || 0));
        const html = (await response.text()).trim();
        if (html) {
          const holder = document.createElement("template");
          holder.innerHTML = html;
          for (const item of holder.content.querySelectorAll("li[data-id]")) {
            if (!document.getElementById(item.id)) list.appendChild(item);
          }
          const empty = document.getElementById("no-messages");
          if (empty) empty.remove();
          list.lastElementChild?.scrollIntoView({ block: "end" });
        }
      } while (again);
    })();
    try {
      await fetching;
    } finally {
      fetching = null;
    }
  }

  function markRead(upTo) {
    for (const label of list.querySelectorAll("li.mine .read-state[data-read='no']")) {
      const item = label.closest("li[data-id]");
      if (Number(item.dataset.id) <= upTo) {
        label.dataset.read = "yes";
        label.textContent = list.dataset.readLabel || label.textContent;
      }
    }
  }

  document.addEventListener("jiedan:event", (event) => {
    const { event: name, data } = event.detail || {};
    if (name === "hello") return fetchNewer(); // missed nothing between render and connect
    if (!data || Number(data.conversation_id) !== conversationId) return;
    if (name === "message.new") fetchNewer();
    if (name === "message.read") markRead(Number(data.last_read_id));
  });
  document.addEventListener("jiedan:reconnected", fetchNewer);
})();
