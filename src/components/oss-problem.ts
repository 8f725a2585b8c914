import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { UploadProblem } from '../../lib/protocol/messages.ts';

/** An OSS error as people need it: the code to search for, what it means, and the request id support asks for. */
@customElement('oss-problem')
export class OssProblem extends LitElement {
  static override styles = css`
    :host { display: block; }
    div { border-inline-start: 4px solid var(--sl-error); background: var(--sl-error-bg); color: var(--sl-text);
      padding: 0.5rem 0.75rem; border-radius: 4px; overflow-wrap: anywhere; }
    strong { color: var(--sl-error); }
    code { font-size: 0.9em; user-select: all; }
    p { margin: 0.15rem 0; }
  `;

  @property({ attribute: false }) problem?: UploadProblem;
  /** What was being done, e.g. "Listing uploads". */
  @property() context = '';

  override render() {
    const p = this.problem;
    if (!p) return null;
    return html`<div role="alert">
      <p>${this.context ? `${this.context} failed: ` : ''}<strong class="code">${p.code}</strong></p>
      <p class="message">${p.message}</p>
      ${p.requestId ? html`<p>Request ID: <code class="request-id">${p.requestId}</code></p>` : null}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'oss-problem': OssProblem;
  }
}
