// Progressive enhancement: a consultation step's form saves itself every few seconds while the
// practitioner types. Without this file every step still saves when its form is submitted.
// The server saves the answers it can and names the ones it cannot (an email address mistyped):
// those are shown beside their fields as GOV.UK errors, the status line never says "Saved" while
// any is outstanding, and leaving the step first asks for them to be corrected.
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
  var unsaved = {};  // field name -> the server's messages, from the last save
  var warnedLeaving = false;

  function say(text) { if (statusLine) { statusLine.textContent = text; } }

  function each(nodes, fn) { Array.prototype.forEach.call(nodes, fn); }

  // A field's inputs: by name, or the parts of a GOV.UK date input (name_0, name_1...), which
  // sit in the element with the field's id.
  function fieldsNamed(name) {
    var clean = name.replace(/["\\]/g, '');
    var fields = form.querySelectorAll('[name="' + clean + '"]');
    if (fields.length) { return fields; }
    var group = document.getElementById('id_' + clean);
    return group && group.classList.contains('govuk-date-input') ? group.querySelectorAll('input') : fields;
  }

  function labelFor(name) {
    var label = form.querySelector('label[for="id_' + name + '"]');
    var group = document.getElementById('div_id_' + name);
    var legend = group ? group.querySelector('legend') : null;
    var text = (label || legend || {}).textContent || name;
    return text.replace(/\s+/g, ' ').trim();
  }

  function describedBy(field, id, add) {
    var ids = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (add) { ids.push(id); }
    if (ids.length) { field.setAttribute('aria-describedby', ids.join(' ')); }
    else { field.removeAttribute('aria-describedby'); }
  }

  // Remove every field error in the form (the server's from a full submit, or ours) before
  // showing the ones the latest save reported.
  function clearErrors() {
    each(form.querySelectorAll('.govuk-error-message'), function (message) {
      var group = message.closest('.govuk-form-group');
      if (group) { group.classList.remove('govuk-form-group--error'); }
      each(form.querySelectorAll('[aria-describedby]'), function (field) {
        if ((' ' + field.getAttribute('aria-describedby') + ' ').indexOf(' ' + message.id + ' ') !== -1) {
          describedBy(field, message.id, false);
          field.removeAttribute('aria-invalid');
        }
      });
      message.parentNode.removeChild(message);
    });
    each(form.querySelectorAll('.govuk-date-input .govuk-input--error'), function (part) {
      part.classList.remove('govuk-input--error');
    });
  }

  function showErrors(errors, parts) {
    clearErrors();
    parts = parts || {};
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var fields = fieldsNamed(name);
      if (!fields.length || fields[0].type === 'hidden') { return; }
      var field = fields[0];
      var id = 'id_' + name + '_autosave_error';
      var message = document.createElement('p');
      message.className = 'govuk-error-message';
      message.id = id;
      var prefix = document.createElement('span');
      prefix.className = 'govuk-visually-hidden';
      prefix.textContent = 'Error: ';
      message.appendChild(prefix);
      message.appendChild(document.createTextNode(errors[name].join(' ')));
      var before = field.closest('.govuk-radios, .govuk-checkboxes, .govuk-date-input') || field;
      before.parentNode.insertBefore(message, before);
      var group = document.getElementById('div_id_' + name) || field.closest('.govuk-form-group');
      if (group) { group.classList.add('govuk-form-group--error'); }
      each(fields, function (each_field, index) {
        // A date input: only the parts in error get the red border (all, when none is named).
        if (each_field.closest('.govuk-date-input')) {
          var wrong = parts[name] && parts[name].length ? parts[name] : null;
          if (!wrong || wrong.indexOf(index) !== -1) { each_field.classList.add('govuk-input--error'); }
        }
        describedBy(each_field, id, true);
        if (each_field.type !== 'radio' && each_field.type !== 'checkbox') {
          each_field.setAttribute('aria-invalid', 'true');
        }
      });
      if (!first) { first = field; }
    });
    return first;
  }

  function outstanding() { return Object.keys(unsaved); }

  function notSavedText(savedAt) {
    var names = outstanding().map(labelFor);
    var what = names.length === 1 ? names[0] + ' is' : names.join(', ') + ' are';
    return 'Not saved: ' + what + ' not saved until corrected (shown in red). ' +
      'Your other answers were saved' + (savedAt ? ' at ' + savedAt : '') + '.';
  }

  function unwarn() {
    if (stopped) { return; }
    alertBox.hidden = true;
    alertBox.innerHTML = '';
    alertBox.classList.remove('app-autosave-alert--shown');
    warnedLeaving = false;
  }

  // The alert under the form: a warning (autosave goes on) or, with halt, a stop.
  function warn(heading, text, buttonLabel) {
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

  function halt(heading, text, buttonLabel) {
    stopped = true;
    warn(heading, text, buttonLabel);
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
        unsaved = result.body.errors || {};
        showErrors(unsaved, result.body.error_parts);
        if (outstanding().length) {
          say(notSavedText(result.body.saved_at));
        } else {
          say('Saved at ' + result.body.saved_at);
          unwarn();
        }
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

  // Moving to another step: save first, then go; but with answers the server could not save,
  // stay and say so first (a second click leaves without them).
  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[href]') : null;
    if (!link || stopped || event.defaultPrevented) { return; }
    if (!dirty && !(outstanding().length && !warnedLeaving)) { return; }
    event.preventDefault();
    save().then(function () {
      if (outstanding().length && !warnedLeaving) {
        warnedLeaving = true;
        var names = outstanding().map(labelFor).join(', ');
        warn('Some answers are not saved',
          names + ': correct ' + (outstanding().length === 1 ? 'it' : 'them') +
          ' before you leave this step, or what you typed there will be lost. ' +
          'Select the link again to leave without ' + (outstanding().length === 1 ? 'it.' : 'them.'));
        var first = fieldsNamed(outstanding()[0])[0];
        if (first) { first.focus(); }
        return;
      }
      window.location.href = link.href;
    });
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
