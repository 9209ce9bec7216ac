// Sign-in with name and password (POST /access/sessions); the token lives in sessionStorage.
import { describe, gov, session } from './api.js';
import { field, h } from './dom.js';

export interface Me {
  name: string;
  roles: string[];
  department: string | null;
  actor: string | null;
}

/** The signed-in caller, or null (no token, or it expired or was revoked). */
export async function whoAmI(): Promise<Me | null> {
  if (!session.token) return null;
  try {
    return await gov<Me>('GET', '/console/api/me');
  } catch {
    session.set(null);
    return null;
  }
}

export function signInForm(onDone: () => void): HTMLElement {
  const msg = h('p', { id: 'signin-error', class: 'bad' });
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      const { token } = await gov<{ token: string }>('POST', '/access/sessions', {
        name: field('signin-name').value,
        password: field('signin-password').value,
      });
      session.set(token);
      onDone();
    } catch (err) {
      msg.textContent = describe(err);
    }
  };
  return h(
    'form',
    { id: 'signin', onsubmit: (e) => void submit(e) },
    h('h2', {}, 'Sign in'),
    h('label', {}, 'name ', h('input', { id: 'signin-name', autocomplete: 'username' })),
    h(
      'label',
      {},
      ' password ',
      h('input', { id: 'signin-password', type: 'password', autocomplete: 'current-password' }),
    ),
    h('button', { type: 'submit', id: 'signin-submit' }, 'Sign in'),
    msg,
  );
}

export function signOutButton(onDone: () => void): HTMLElement {
  return h(
    'button',
    {
      id: 'signout',
      onclick: () =>
        void gov('DELETE', '/access/sessions/current')
          .catch(() => undefined)
          .then(() => {
            session.set(null);
            onDone();
          }),
    },
    'Sign out',
  );
}
