export { createMasker, MASK, REGISTERED_SECRET, type Masker, type MaskingStream } from './masker.js';
export { detectCredential, type CredentialKind } from './detect.js';
export { maskedLines, maskedOutput, maskingTransform, type LineMasker } from './stream.js';
export { encodings, base64Core } from './encodings.js';
export { SHAPES, type Shape } from './shapes.js';
