import { css } from 'lit';

// Written compactly: Vite leaves template literals as they are in the chunk. The skeleton's bones
// (h heading, p policy, l label with hint, i input, k contact kinds, b button) take the form's height
// (measured in the loading test).
export const styles = css`
:host{--_accent:var(--encore-returns-entry-accent,var(--_primary));max-inline-size:40rem}
h2{font-size:1.25rem;margin:0}
h3{font-size:1.0625rem;margin:0}
.head{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem}
[tabindex]{outline:0}
p{margin:.5rem 0}
label,legend{display:block;font-weight:600;margin-top:.75rem;padding:0}
.hint,[part~=field-error]{margin:0;font-size:.875rem;font-weight:400;color:var(--_muted)}
[part~=field-error]{color:var(--_danger)}
input,select{display:block;width:100%;min-height:2.75rem;padding:0 .75rem;border:1px solid var(--_border);border-radius:6px;background:var(--_surface);color:inherit;font:inherit}
[aria-invalid=true]{border-color:var(--_danger)}
fieldset{border:0;margin:0;padding:0}
.seg{display:inline-flex;align-items:center;gap:.5rem;min-height:2.75rem;margin:0 1.25rem 0 0;font-weight:400}
[type=radio],[type=checkbox]{display:inline;width:1.25rem;min-height:1.25rem;margin:0;padding:0;accent-color:var(--_accent)}
form>button,a.button{margin-top:1rem}
ul{list-style:none;margin:0;padding:0}
li{display:flex;flex-wrap:wrap;gap:.75rem;padding:.75rem 0;border-top:1px solid var(--_border)}
img{width:3.5rem;height:3.5rem;border-radius:6px;object-fit:cover}
.info{flex:1 1 12rem}
.name{display:flex;gap:.5rem;margin:0}
[part~=badge]{padding:0 .5rem;border-radius:99px;background:var(--_subtle);font-size:.875rem}
.qty{margin:0;width:6rem}
.bone{height:2.75rem}
.h{width:50%;height:1.875rem}
.p{height:3rem;margin:.5rem 0}
.l{width:40%;height:2.8125rem;margin-top:.75rem}
.k{width:80%;height:4.25rem}
.b{width:10rem;margin-top:1rem}
`;
