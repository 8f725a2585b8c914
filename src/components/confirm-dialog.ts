import { css, html, LitElement } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { controlStyles } from './shared-styles.ts';

export interface ConfirmRequest {
  title: string;
  /** Lines of explanation; shown as text, never as markup. */
  lines: readonly string[];
  confirmLabel: string;
}

/**
 * A modal question with Cancel focused first, so Enter never destroys anything by accident.
 * `await dialog.ask({...})` resolves true only for the confirm button.
 */
@customElement('confirm-dialog')
export class ConfirmDialog extends LitElement {
  static override styles = [
    controlStyles,
    css`
      dialog { max-width: min(32rem, calc(100vw - 2rem)); border: 1px solid var(--sl-border); border-radius: 8px;
        background: var(--sl-surface); color: var(--sl-text); padding: 1rem; }
      dialog::backdrop { background: rgb(0 0 0 / 0.5); }
      h2 { margin: 0 0 0.5rem; font-size: 1.1rem; }
      p { overflow-wrap: anywhere; max-height: 40vh; overflow: auto; }
      .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; justify-content: flex-end; }
    `,
  ];

  @state() private request?: ConfirmRequest;
  @query('dialog') private dialog!: HTMLDialogElement;
  private settle?: (confirmed: boolean) => void;

  async ask(request: ConfirmRequest): Promise<boolean> {
    this.settle?.(false);
    this.request = request;
    await this.updateComplete;
    this.dialog.showModal();
    return new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  private close(confirmed: boolean) {
    this.settle?.(confirmed);
    this.settle = undefined;
    if (this.dialog.open) this.dialog.close();
  }

  override render() {
    const r = this.request;
    return html`<dialog aria-labelledby="title" @close=${() => this.close(false)}>
      <h2 id="title">${r?.title}</h2>
      ${r?.lines.map((line) => html`<p>${line}</p>`)}
      <div class="actions">
        <button autofocus @click=${() => this.close(false)}>Cancel</button>
        <button class="danger" @click=${() => this.close(true)}>${r?.confirmLabel}</button>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confirm-dialog': ConfirmDialog;
  }
}
