// Runs first thing in <body>, as GOV.UK Frontend asks, without an inline script (our CSP forbids them).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
