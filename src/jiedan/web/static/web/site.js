// Progressive enhancement only: every form works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select) select.form.requestSubmit();
});
// The menu is open by default (so it works without JavaScript); fold it away on phones.
const menu = document.querySelector("details.nav-menu");
if (menu && window.matchMedia("(max-width: 47.99rem)").matches) menu.open = false;
