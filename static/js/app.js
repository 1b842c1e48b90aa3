// Progressive enhancement only: every journey works without this file.
(function () {
  'use strict';
  if (window.GOVUKFrontend && document.body.classList.contains('govuk-frontend-supported')) {
    window.GOVUKFrontend.initAll();
  }

  // Idle timeout: warn before the server-side session expires, then sign out cleanly.
  var body = document.body;
  var timeout = parseInt(body.getAttribute('data-idle-timeout'), 10);
  var warning = parseInt(body.getAttribute('data-idle-warning'), 10);
  var banner = document.querySelector('[data-idle-warning-banner]');
  var signOutForm = document.getElementById('sign-out-form');
  if (!timeout || !banner || !signOutForm) { return; }

  var warnTimer, signOutTimer;
  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(signOutTimer);
    warnTimer = setTimeout(function () {
      banner.hidden = false;
      banner.querySelector('[data-idle-stay-signed-in]').focus();
    }, Math.max(timeout - warning, 0) * 1000);
    signOutTimer = setTimeout(function () {
      var next = document.createElement('input');
      next.type = 'hidden';
      next.name = 'next';
      next.value = '/signed-out/?idle=1';
      signOutForm.appendChild(next);
      // Save any draft being typed before signing out.
      var flush = window.FamilyConnectAutosave ? window.FamilyConnectAutosave.flush() : null;
      if (flush && flush.then) {
        flush.then(function () { signOutForm.submit(); });
      } else {
        signOutForm.submit();
      }
    }, timeout * 1000);
  }

  var button = banner.querySelector('[data-idle-stay-signed-in]');
  button.addEventListener('click', function () {
    var token = signOutForm.querySelector('input[name=csrfmiddlewaretoken]').value;
    fetch(button.getAttribute('data-keep-alive-url'), {
      method: 'POST', credentials: 'same-origin', headers: { 'X-CSRFToken': token }
    }).then(function (response) {
      if (response.ok) { banner.hidden = true; schedule(); }
    });
  });
  // Work saved in the background (autosave) counts as activity, as the server already treats it.
  document.addEventListener('fc:activity', schedule);
  schedule();
})();
