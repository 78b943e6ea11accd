/**
 * The engine the tests run in (npm test's groups: Chromium, Firefox ESR, WebKitGTK), for the few
 * expectations that differ by engine; each difference is listed in the README's browser table.
 */
export const engine: 'Chromium' | 'Firefox' | 'WebKit' = /Firefox\//.test(navigator.userAgent) ? 'Firefox' : /Chrome\//.test(navigator.userAgent) ? 'Chromium' : 'WebKit';

/**
 * Whether tfjs' threaded-SIMD binary is tested here. WebKitGTK 2.50 has no SharedArrayBuffer in
 * workers (crossOriginIsolated or not), so tfjs finds no thread support and the threaded binary
 * cannot start. Firefox ESR 153 starts it, but its start-up hung (never resolved) in 2 of 5 runs
 * after another threaded worker had been terminated: not asserted until that is understood.
 */
export const threadedBinaryTested = engine === 'Chromium';
