// Who is logged in: the token's name and role, from /ui/login or /ui/session. The page hides what
// the role may not do (every element with the class "write" for a viewer); the server refuses it
// with 403 anyway. An instance's buttons are also shown only for the actions its allowed_actions
// lists, which the server computes for this token from the rules it enforces.

export const session = {tokenName: null, role: null};

/** Remembers the answer of /ui/login or /ui/session and marks the page with the role. */
export function setSession(answer) {
  session.tokenName = answer && answer.token_name ? answer.token_name : null;
  session.role = answer && answer.role ? answer.role : null;
  if (session.role) document.body.dataset.role = session.role;
  else delete document.body.dataset.role;
}

/** Whether the logged-in token may change things (operator or admin). */
export function canWrite() {
  return session.role === 'operator' || session.role === 'admin';
}
