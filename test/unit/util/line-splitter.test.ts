import { LineSplitter, LineTooLongError } from '@sidecar/util/line-splitter';

describe('LineSplitter', () => {
  it('joins lines across chunks, drops \\r of CRLF, and keeps a last line without a newline', () => {
    const splitter = new LineSplitter(100);
    expect(splitter.push(Buffer.from('{"a":1}\r\n{"b"'))).toEqual(['{"a":1}']);
    expect(splitter.push(Buffer.from(':2}\n\n{"c":3}'))).toEqual(['{"b":2}', '']);
    expect(splitter.end()).toEqual(['{"c":3}']);
    expect(splitter.count).toBe(4);
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const bytes = Buffer.from('héllo\n');
    const splitter = new LineSplitter(100);
    expect(splitter.push(bytes.subarray(0, 2))).toEqual([]);
    expect(splitter.push(bytes.subarray(2))).toEqual(['héllo']);
  });

  it('fails as soon as a line outgrows the limit, naming the line, before its newline arrives', () => {
    const splitter = new LineSplitter(5);
    splitter.push(Buffer.from('ok\n'));
    expect(() => splitter.push(Buffer.from('toolong'))).toThrow(LineTooLongError);
    try {
      new LineSplitter(5).push(Buffer.from('a\nbcdefgh\n'));
    } catch (error) {
      expect(error).toMatchObject({ line: 2, limit: 5 });
    }
  });
});
