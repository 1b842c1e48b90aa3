// Progressive enhancement: a consultation step's form saves itself every few seconds while the
// practitioner types. Without this file every step still saves when its form is submitted.
(function () {
  'use strict';
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.FormData || !window.Promise) { return; }

  var INTERVAL_MS = 5000;
  var statusLine = form.querySelector('[data-autosave-status]');
  var alertBox = form.querySelector('[data-autosave-alert]');
  var version = form.querySelector('input[name=version]');
  var token = form.querySelector('input[name=csrfmiddlewaretoken]').value;
  var url = window.location.pathname;
  var dirty = false;
  var stopped = false;
  var inFlight = null;

  function say(text) { if (statusLine) { statusLine.textContent = text; } }

  function halt(heading, text, buttonLabel) {
    stopped = true;
    alertBox.innerHTML = '';
    var title = document.createElement('h2');
    title.className = 'govuk-heading-s';
    title.textContent = heading;
    var body = document.createElement('p');
    body.className = 'govuk-body';
    body.textContent = text;
    alertBox.appendChild(title);
    alertBox.appendChild(body);
    if (buttonLabel) {
      var button = document.createElement('button');
      button.type = 'submit';
      button.className = 'govuk-button govuk-button--warning';
      button.textContent = buttonLabel;
      alertBox.appendChild(button);
    }
    alertBox.hidden = false;
    alertBox.classList.add('app-autosave-alert--shown');
  }

  function save() {
    if (inFlight) { return inFlight; }
    if (!dirty || stopped) { return Promise.resolve(); }
    dirty = false;
    say('Saving…');
    var data = new FormData(form);
    inFlight = fetch(url, {
      method: 'POST',
      body: data,
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': token, 'X-Autosave': '1', 'Accept': 'application/json' }
    }).then(function (response) {
      var contentType = response.headers.get('Content-Type') || '';
      if (contentType.indexOf('application/json') === -1) {
        throw new Error('unexpected response');
      }
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      if (result.status === 200) {
        version.value = result.body.version;
        say('Saved at ' + result.body.saved_at);
        document.dispatchEvent(new CustomEvent('fc:activity'));
      } else if (result.status === 409 && result.body.conflict) {
        halt('Someone else changed this consultation', result.body.message,
          'Review their changes and keep yours');
        say('Not saved');
      } else if (result.status === 401) {
        halt('You have been signed out', 'What you typed is still on this page. Select the button to sign in again: your words will be kept and saved.', 'Sign in and save');
        say('Not saved');
      } else {
        halt('This consultation cannot be changed', result.body.message || 'Reload the page.', '');
        say('Not saved');
      }
    }).catch(function () {
      dirty = true;  // try again at the next tick
      say('Not saved yet: trying again');
    }).then(function () { inFlight = null; });
    return inFlight;
  }

  function changed() { dirty = true; }
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', function () { stopped = true; });
  window.setInterval(save, INTERVAL_MS);

  // Moving to another step: save first, then go.
  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[href]') : null;
    if (!link || !dirty || stopped || event.defaultPrevented) { return; }
    event.preventDefault();
    save().then(function () { window.location.href = link.href; });
  });

  // Closing the tab or the browser: hand the last words to the browser to deliver.
  window.addEventListener('pagehide', function () {
    if (!dirty || stopped || !navigator.sendBeacon) { return; }
    var data = new FormData(form);
    data.append('autosave', '1');
    navigator.sendBeacon(url, data);
  });

  // The idle timeout saves before it signs the practitioner out.
  window.FamilyConnectAutosave = { flush: save };
})();
