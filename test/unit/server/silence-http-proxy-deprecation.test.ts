import { withoutWarningCode } from '@sidecar/server/silence-http-proxy-deprecation';

describe('withoutWarningCode', () => {
  it.each([
    { name: 'code as the third argument (util.deprecate)', args: ['The `util._extend` API is deprecated.', 'DeprecationWarning', 'DEP0060'] },
    { name: 'code in an options object', args: ['The `util._extend` API is deprecated.', { type: 'DeprecationWarning', code: 'DEP0060' }] },
  ])('drops the warning with that code: $name', ({ args }) => {
    const emit = jest.fn();
    withoutWarningCode(emit, 'DEP0060')(...(args as [string, ...unknown[]]));
    expect(emit).not.toHaveBeenCalled();
  });

  it.each([
    { name: 'another deprecation code', args: ['The `util.isArray` API is deprecated.', 'DeprecationWarning', 'DEP0044'] },
    { name: 'another code in an options object', args: ['Buffer() is deprecated', { type: 'DeprecationWarning', code: 'DEP0005' }] },
    { name: 'a warning without a code', args: ['something odd'] },
    { name: 'an Error warning', args: [new Error('boom')] },
    { name: 'a typed warning without a code', args: ['experimental', 'ExperimentalWarning'] },
  ])('passes every other warning on unchanged: $name', ({ args }) => {
    const emit = jest.fn();
    withoutWarningCode(emit, 'DEP0060')(...(args as [string, ...unknown[]]));
    expect(emit).toHaveBeenCalledWith(...args);
  });
});
