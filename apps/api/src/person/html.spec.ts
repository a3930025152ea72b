import { html } from './html';

describe('html', () => {
  it('escapes every interpolation but nested markup', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p title="${name}">${name}${html`<b>ok</b>`}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>ok</b></p>',
    );
    expect(html`${[html`<i>a</i>`, 'b&c']}${null}${false}`.text).toBe('<i>a</i>b&amp;c');
  });
});
