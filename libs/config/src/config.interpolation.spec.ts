import { interpolate } from './config.interpolation';

describe('interpolate', () => {
  const env = { USER_NAME: 'ada', EMPTY: '' };

  it('leaves text without references alone', () => {
    expect(interpolate('plain $text', env)).toEqual({ value: 'plain $text', interpolated: false, problems: [] });
  });

  it('replaces set variables and applies defaults when unset or empty', () => {
    expect(interpolate('${USER_NAME}@${HOST:-localhost}:${EMPTY:-1}', env)).toEqual({
      value: 'ada@localhost:1',
      interpolated: true,
      problems: [],
    });
    expect(interpolate('[${EMPTY}]', env).value).toBe('[]');
  });

  it('keeps $${ as a literal ${', () => {
    expect(interpolate('pa$${USER_NAME}s', env)).toEqual({ value: 'pa${USER_NAME}s', interpolated: false, problems: [] });
  });

  it('reports missing variables by name and malformed references without echoing the text', () => {
    expect(interpolate('${NOPE}', env).problems).toEqual([expect.stringContaining('environment variable NOPE is not set')]);
    const malformed = interpolate('s3cr3t${not a name}', env);
    expect(malformed.problems).toEqual([expect.stringContaining('malformed')]);
    expect(malformed.problems[0]).not.toContain('s3cr3t');
    expect(interpolate('${UNCLOSED', env).problems).toEqual([expect.stringContaining('without its closing')]);
  });
});
