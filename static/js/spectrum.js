// Spectrum of Support picker: filter indicators as the practitioner types.
// Progressive enhancement only: without this file the "Filter" button does the same on the
// server. The matching rules mirror spectrum/search.py (read its docstring); keep them in step.
(function () {
  'use strict';
  var picker = document.querySelector('[data-spectrum-picker]');
  if (!picker || !document.body.classList.contains('js-enabled')) { return; }

  var HIDDEN = 'govuk-!-display-none';
  var PREFIX_MIN_LENGTH = 3;
  var input = picker.querySelector('[data-spectrum-filter]');
  var hint = picker.querySelector('[data-spectrum-need-hint]');
  var status = picker.querySelector('[data-spectrum-status]');
  var none = picker.querySelector('[data-spectrum-none]');
  var domains = Array.prototype.slice.call(picker.querySelectorAll('[data-spectrum-domain]'));
  var total = parseInt(picker.getAttribute('data-total'), 10);
  var needTerms = [];
  try { needTerms = JSON.parse(picker.getAttribute('data-need-terms') || '[]'); } catch (e) { return; }
  if (!input) { return; }

  function normalise(text) {
    return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[^a-z0-9']+/g, ' ').trim();
  }

  function needTermsMatching(typed) {
    if (!typed) { return []; }
    var matches = [];
    needTerms.forEach(function (entry) {
      var term = normalise(entry.term);
      var whole = (' ' + typed + ' ').indexOf(' ' + term + ' ') !== -1;
      if (whole || (typed.length >= PREFIX_MIN_LENGTH && term.indexOf(typed) === 0)) {
        matches.push({ term: entry.term, level: entry.level, level_name: entry.level_name, whole: whole });
      }
    });
    return matches;
  }

  function setHidden(element, hidden) {
    element.classList.toggle(HIDDEN, hidden);
  }

  function describeNeedTerms(matches) {
    var parts = matches.slice(0, 5).map(function (m) { return '\u201c' + m.term + '\u201d means ' + m.level_name; });
    return 'Words for levels of need: ' + parts.join('; ') + '. Indicators at ' +
      (matches.length > 1 ? 'those levels' : 'that level') + ' are shown.';
  }

  function filter() {
    var typed = normalise(input.value);
    var words = typed ? typed.split(' ') : [];
    var matches = needTermsMatching(typed);
    var levels = {};
    var wholeLevels = {};
    var anyWhole = false;
    matches.forEach(function (m) {
      levels[m.level] = true;
      if (m.whole) { wholeLevels[m.level] = true; anyWhole = true; }
    });
    var visibleTotal = 0;
    var selected = 0;
    domains.forEach(function (domain) {
      var visibleHere = 0;
      domain.querySelectorAll('[data-spectrum-indicator]').forEach(function (item) {
        var checked = item.querySelector('input').checked;
        var haystack = ' ' + item.getAttribute('data-search');
        var level = item.getAttribute('data-level');
        var visible = checked || !words.length || (anyWhole ? !!wholeLevels[level] :
          levels[level] || words.every(function (word) { return haystack.indexOf(' ' + word) !== -1; }));
        setHidden(item, !visible);
        if (visible) { visibleHere += 1; }
        if (checked) { selected += 1; }
      });
      setHidden(domain, visibleHere === 0);
      var details = domain.querySelector('[data-spectrum-domain-details]');
      if (details && words.length && visibleHere) { details.open = true; }
      visibleTotal += visibleHere;
    });
    hint.textContent = matches.length ? describeNeedTerms(matches) : '';
    setHidden(hint, !matches.length);
    setHidden(none, visibleTotal > 0);
    if (visibleTotal === 0) { none.textContent = 'No indicators match \u201c' + input.value.trim() + '\u201d. Try another word, or clear the filter.'; }
    showCounts(visibleTotal, selected);
  }

  function showCounts(visibleTotal, selected) {
    status.textContent = (visibleTotal === total ? 'Showing all ' + total + ' indicators' :
      'Showing ' + visibleTotal + ' of ' + total + ' indicators') +
      (selected ? ', ' + selected + ' selected' : '');
  }

  var timer;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(filter, 150);
  });
  // Enter would otherwise submit the form; the list already follows what is typed.
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') { event.preventDefault(); filter(); }
  });
  // Ticking or unticking only updates the counts: an indicator never vanishes under the cursor.
  picker.addEventListener('change', function (event) {
    if (event.target.name !== 'indicators') { return; }
    var visible = Array.prototype.filter.call(
      picker.querySelectorAll('[data-spectrum-indicator]'),
      function (item) { return !item.classList.contains(HIDDEN); }
    ).length;
    showCounts(visible, picker.querySelectorAll('input[name=indicators]:checked').length);
  });
})();
