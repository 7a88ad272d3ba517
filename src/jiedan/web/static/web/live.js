// Live events for signed-in people, over one websocket to /ws/events/.
// Every event the server pushes is re-dispatched on `document` as a "jiedan:event"
// CustomEvent whose detail is {event, data}. After a lost connection comes back,
// "jiedan:reconnected" is dispatched so pages can fetch what they missed: the server
// stores everything before pushing it, so nothing is lost while the socket is down.
// Pages work without this file (forms and links); it only makes them live.
(() => {
  if (!document.body || document.body.dataset.live !== "on" || !("WebSocket" in window)) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}/ws/events/`;
  const PING_EVERY = 25000;
  const MAX_DELAY = 30000;
  let delay = 1000;
  let connectedBefore = false;
  let pinger = null;

  function dispatch(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

  function connect() {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      delay = 1000;
      if (connectedBefore) dispatch("jiedan:reconnected", {});
      connectedBefore = true;
      pinger = setInterval(() => socket.send(JSON.stringify({ event: "ping" })), PING_EVERY);
    });
    socket.addEventListener("message", (message) => {
      let payload;
      try {
        payload = JSON.parse(message.data);
      } catch {
        return;
      }
      if (payload && payload.event && payload.event !== "pong") dispatch("jiedan:event", payload);
    });
    socket.addEventListener("close", (closed) => {
      clearInterval(pinger);
      if (closed.code === 4401) return; // signed out: do not retry
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, MAX_DELAY);
    });
    window.jiedanLive = socket;
  }

  connect();
})();
