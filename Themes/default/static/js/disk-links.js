// papersite: a site opened from disk (file://) works as served, but there
// a link to a folder (../other-paper/) shows the folder instead of its
// page. Such links, and the search box's form, are pointed at the
// folder's index.html; `papersitePageLink` does the same for links that
// scripts make later (search results). Served over HTTP, nothing changes.
(function () {
  'use strict';
  var fromDisk = location.protocol === 'file:';
  window.papersitePageLink = function (url) {
    if (!fromDisk || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.charAt(0) === '#' || url.charAt(0) === '/') return url;
    return url.replace(/\/(?=$|[?#])/, '/index.html');
  };
  if (!fromDisk) return;
  document.querySelectorAll('a[href]').forEach(function (a) { a.setAttribute('href', papersitePageLink(a.getAttribute('href'))); });
  document.querySelectorAll('form[action]').forEach(function (form) { form.setAttribute('action', papersitePageLink(form.getAttribute('action'))); });
})();
