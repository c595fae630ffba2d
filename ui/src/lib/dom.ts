/**
 * Sets inline styles through the CSSOM. The CSP forbids `style` attributes, which is what
 * markup like style="…" (and Svelte's style: directive, in places) would write.
 */
export function cssom(node: HTMLElement, styles: Record<string, string>) {
  const apply = (next: Record<string, string>) => {
    for (const [name, value] of Object.entries(next)) node.style.setProperty(name, value);
  };
  apply(styles);
  return { update: apply };
}
