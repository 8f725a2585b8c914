import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { SIGN_OUT_PATH } from '../../lib/credentials/session-info.ts';
import { command, subscribe, type UploadSubscription } from '../bridge/upload-bridge.ts';
import { checkSession, type SessionState, signInHref, stoppedForSignIn } from '../session/session-check.ts';
import { controlStyles } from './shared-styles.ts';

/**
 * Who is signed in, with "Sign out", where people sign in (TOKEN_ACCESS=oidc; with an authenticating
 * proxy, just the name). When there is no session, or it ended, it says so and offers "Sign in"; once
 * signed in again, uploads that stopped for want of a session are retried.
 */
@customElement('session-status')
export class SessionStatus extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host { display: block; }
      div { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; padding: 0.4rem 1rem; }
      .signed-in { background: var(--sl-surface); border-bottom: 1px solid var(--sl-border); justify-content: flex-end; }
      .sign-in { background: var(--sl-warn-bg); color: var(--sl-warn-text); }
      p, form { margin: 0; }
      a.button { display: inline-block; padding: 0.4rem 0.8rem; border-radius: 6px; text-decoration: none;
        background: var(--sl-accent); color: var(--sl-accent-text); }
    `,
  ];

  @state() private session: SessionState = { kind: 'unknown' };
  private subscription?: UploadSubscription;
  /** Retried once per page: signing in again means leaving the page, so a new one starts afresh. */
  private readonly retried = new Set<string>();
  private checking?: Promise<void>;
  private expiryTimer?: ReturnType<typeof setTimeout>;
  private readonly recheck = () => {
    if (!document.hidden) void this.check();
  };

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.recheck);
    void this.check();
  }

  override disconnectedCallback() {
    document.removeEventListener('visibilitychange', this.recheck);
    clearTimeout(this.expiryTimer);
    this.subscription?.close();
    super.disconnectedCallback();
  }

  private async check(): Promise<void> {
    this.session = await checkSession();
    clearTimeout(this.expiryTimer);
    if (this.session.kind !== 'signed-in') return;
    const { access, expiresAt } = this.session.info;
    // Uploads are told about sign-in only where Skylift signs people in.
    if (access === 'oidc') this.subscription ??= subscribe((uploads) => this.onUploads(uploads));
    if (expiresAt) {
      // Say so when the session ends, not only at the next upload that needs it.
      const ms = Math.max(0, Date.parse(expiresAt) - Date.now()) + 1000;
      this.expiryTimer = setTimeout(() => void this.check(), Math.min(ms, 2 ** 31 - 1));
    }
  }

  private onUploads(uploads: Parameters<Parameters<typeof subscribe>[0]>[0]) {
    const stopped = stoppedForSignIn(uploads).filter((id) => !this.retried.has(id));
    if (stopped.length === 0 || this.checking) return;
    // The worker found the session over: ask again. Still signed in means a new sign-in since, so the
    // uploads carry on; otherwise the page says "sign in".
    this.checking = checkSession().then((session) => {
      this.checking = undefined;
      this.session = session;
      if (session.kind !== 'signed-in') return;
      for (const id of stopped) {
        this.retried.add(id);
        void command(id, 'retry').catch(() => undefined);
      }
    });
  }

  override render() {
    const { session } = this;
    if (session.kind === 'sign-in-required') {
      return html`<div class="sign-in" role="alert">
        <p>${session.message}</p>
        <a class="button" href=${signInHref(location)}>Sign in</a>
      </div>`;
    }
    if (session.kind !== 'signed-in' || !session.info.user) return null;
    const { user, access } = session.info;
    return html`<div class="signed-in">
      <p>Signed in as <strong class="name">${user.name ?? user.id}</strong>${user.admin ? ' (administrator)' : ''}</p>
      ${access === 'oidc' ? html`<form method="post" action=${SIGN_OUT_PATH}><button type="submit">Sign out</button></form>` : null}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'session-status': SessionStatus;
  }
}
