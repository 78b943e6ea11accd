/**
 * Trusted Types: on a page with `require-trusted-types-for 'script'`, `new Worker(url)` takes only a
 * TrustedScriptURL. Ours come from one policy, named `face-mesh` (list it in the page's
 * `trusted-types` directive, with lit's `lit-html`), which passes nothing but the worker scripts
 * the element itself starts. Without Trusted Types support (or enforcement) nothing changes.
 */
interface ScriptUrlPolicy {
  createScriptURL(url: string): string;
}
interface TrustedTypesFactory {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy;
}

export const TRUSTED_TYPES_POLICY = 'face-mesh';

const allowed = new Set<string>();
let policy: ScriptUrlPolicy | null = null;

/**
 * Whether `e` is the browser refusing a plain string where Trusted Types require a TrustedScriptURL
 * (Chromium: "...requires 'TrustedScriptURL' assignment"; Firefox: "Sink type mismatch violation").
 */
export function isTrustedTypesError(e: unknown): boolean {
  return e instanceof TypeError && /Trusted ?Script ?URL|Sink type mismatch/i.test(e.message) && trustedTypes() !== undefined;
}

function trustedTypes(): TrustedTypesFactory | undefined {
  return (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;
}

/** `url` (the element's worker script, absolute) as a TrustedScriptURL from the `face-mesh` policy. */
export function trustedWorkerUrl(url: string): string {
  const factory = trustedTypes();
  if (!factory) return url;
  allowed.add(url);
  policy ??= factory.createPolicy(TRUSTED_TYPES_POLICY, {
    createScriptURL(u: string) {
      if (!allowed.has(u)) throw new TypeError(`The ${TRUSTED_TYPES_POLICY} Trusted Types policy only passes face-mesh's worker script, not ${u}.`);
      return u;
    },
  });
  return policy.createScriptURL(url);
}
