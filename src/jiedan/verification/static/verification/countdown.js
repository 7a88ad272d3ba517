// Progressive enhancement: the page already shows the seconds left, computed on the server.
document.querySelectorAll("[data-countdown]").forEach((node) => {
  const end = Date.now() + Number(node.dataset.countdown) * 1000;
  const unit = node.parentElement.parentElement.querySelector(".countdown-unit");
  if (unit) unit.hidden = true;
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    node.textContent = `${minutes}:${String(left % 60).padStart(2, "0")}`;
    if (left > 0) setTimeout(tick, 1000);
  };
  tick();
});
