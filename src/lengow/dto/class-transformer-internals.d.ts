/**
 * class-transformer keeps its metadata storage and default options out of its public index, and its package has no
 * `exports` map to type the deep paths. The compiled DTO reader must read the very storage the decorators wrote to,
 * and hand transform functions the very options a plainToInstance call does.
 */
declare module 'class-transformer/cjs/storage.js' {
  import type { MetadataStorage } from 'class-transformer/types/MetadataStorage.js';
  export const defaultMetadataStorage: MetadataStorage;
}

declare module 'class-transformer/cjs/constants/default-options.constant.js' {
  import type { ClassTransformOptions } from 'class-transformer';
  export const defaultOptions: Partial<ClassTransformOptions>;
}
