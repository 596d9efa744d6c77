// Keeps the page's Content-Security-Policy violation reports in `window.cspViolations`.
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample });
});
