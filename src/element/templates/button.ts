import { html, nothing, type SVGTemplateResult, type TemplateResult } from 'lit';

/** A button of the controls: its name is its class and its part (`<name>-button`), with an icon and a label. */
export function button(
  name: string,
  label: string,
  icon: SVGTemplateResult,
  onClick: () => unknown,
  { pressed, expanded, disabled = false }: { pressed?: boolean; expanded?: boolean; disabled?: boolean } = {},
): TemplateResult {
  return html`<button
    type="button"
    class=${name}
    part="button ${name}-button"
    aria-label=${label}
    title=${label}
    aria-pressed=${pressed ?? nothing}
    aria-expanded=${expanded ?? nothing}
    ?disabled=${disabled}
    @click=${() => onClick()}
  >
    ${icon}
  </button>`;
}
