export * from './anchors.js';
