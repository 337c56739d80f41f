// papersite: "/" moves to the search box in the header (unless one is typing).
document.addEventListener('keydown', function (event) {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  var box = document.getElementById('site-search-input') || document.getElementById('search-input');
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
