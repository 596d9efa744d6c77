// Signing in to a recordings server that has a token: the token goes once in a POST body and the
// server answers with an HttpOnly session cookie, so it is never in a URL, and page scripts never
// hold it afterwards.
const form = document.getElementById('sign-in');
const error = document.getElementById('sign-in-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const token = form.elements.token.value;
  const response = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) }).catch(() => undefined);
  if (response?.ok) {
    location.reload();
    return;
  }
  error.textContent = response?.status === 401 ? 'That is not the token of this server.' : 'The server could not be reached.';
  error.hidden = false;
  form.elements.token.select();
});
