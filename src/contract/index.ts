export * from './message.js';
export * from './pr.js';
export * from './turn.js';
export * from './judgement.js';
export * from './scored.js';
export * from './meta.js';
export * from './verdict-sides.js';
